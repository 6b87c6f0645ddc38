"""The database half of a backup: one consistent snapshot, and what that snapshot says about the files.

PostgreSQL: `pg_dump --format=custom` inside an exported snapshot, and the file names and migrations
read in the same snapshot, so they describe exactly the dump. SQLite: the backup API, then the same
facts read from the copy. Datastore tables (ds_*) are ordinary tables of the same database.
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

import psycopg
from django.apps import apps
from django.db import connection, models
from psycopg.conninfo import make_conninfo

from .errors import BackupError

DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Keys Django passes to psycopg that libpq does not know, and the password (given by PGPASSWORD, not argv).
NOT_LIBPQ = {"password", "prepare_threshold", "cursor_factory", "context", "server_side_binding"}


def dump_name():
    """The file name of this vendor's dump, or BackupError for a database the backup cannot copy."""
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return DUMP_NAMES[connection.vendor]


def _file_columns():
    """(table, column) of every FileField: where the database names stored files."""
    return sorted({(model._meta.db_table, field.column)
                   for model in apps.get_models() if model._meta.managed and not model._meta.proxy
                   for field in model._meta.local_concrete_fields if isinstance(field, models.FileField)})


def _snapshot_facts(cursor):
    """(sorted file names the database references, {app: [applied migrations]}) as `cursor` sees them."""
    quote = connection.ops.quote_name
    referenced = set()
    for table, column in _file_columns():
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} "
                       f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''")
        referenced.update(name for (name,) in cursor.fetchall())
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    return sorted(referenced), migrations


def _postgres_command(program, *args):
    """(argv, env) running a PostgreSQL client against the configured database."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(f"{program} is not on PATH: install the PostgreSQL client of the server's major version.")
    params = connection.get_connection_params()
    conninfo = make_conninfo(**{key: value for key, value in params.items()
                                if key not in NOT_LIBPQ and isinstance(value, (str, int))})
    env = {**os.environ, **({"PGPASSWORD": str(params["password"])} if params.get("password") else {})}
    return [binary, *args, f"--dbname={conninfo}"], env


def _run(command, env):
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")
    return done.stdout


def dump(path):
    """Write the database's snapshot to `path`; (referenced file names, applied migrations) of that snapshot."""
    if dump_name() == DUMP_NAMES["sqlite"]:
        with closing(sqlite3.connect(connection.settings_dict["NAME"])) as source, \
                closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
            return _snapshot_facts(copy.cursor())
    with closing(connection.get_new_connection(connection.get_connection_params())) as snapshot:
        snapshot.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot.read_only = True
        with snapshot.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (name,) = cursor.fetchone()
            _run(*_postgres_command("pg_dump", "--format=custom", f"--snapshot={name}", f"--file={path}"))
            return _snapshot_facts(cursor)


def is_empty():
    """Whether the configured database has no table at all (not even migrated)."""
    return not connection.introspection.table_names()


def restore(path, *, force):
    """Load the dump at `path` into the configured database; `force` drops the dump's objects first."""
    connection.close()  # the restored database is read through a new connection
    if dump_name() == DUMP_NAMES["sqlite"]:
        with closing(sqlite3.connect(path)) as source, \
                closing(sqlite3.connect(connection.settings_dict["NAME"])) as target:
            source.backup(target)
        return
    # An extension's comment, and dropping it, are its owner's (a superuser): the portal's role restores the
    # rest. Forced, the extensions already there stay, since every other object is dropped and created again.
    command, env = _postgres_command("pg_restore", "--list", str(path))
    contents = _run(command[:-1], env)  # reads the dump only, connects nowhere
    left_out = (" COMMENT - EXTENSION ", " EXTENSION - ") if force else (" COMMENT - EXTENSION ",)
    cleaning = ["--clean", "--if-exists"] if force else []
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
        listing.write("".join(line for line in contents.splitlines(keepends=True)
                              if not any(entry in line for entry in left_out)))
        listing.flush()
        _run(*_postgres_command("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                                "--single-transaction", *cleaning, f"--use-list={listing.name}", str(path)))
