"""manage.py backup_portal / restore_portal: a whole instance into a new, empty one, and back byte for byte.

Each instance is a subprocess against a database and a media directory of its own (PostgreSQL
databases created and dropped by tests/server_support.py); the comparison reads both instances
through tests/backup_support.py.
"""
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from backup_support import RUN
from server_support import ROOT, run_python, server_database, server_environment

pytestmark = pytest.mark.slow


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], check=False, cwd=ROOT, env=env, capture_output=True, text=True)


def stored(media):
    """{path: sha256} of every file under a media directory."""
    return {path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in Path(media).rglob("*") if path.is_file()}


def run(env, *commands, seed=False):
    """What backup_support.run answers: the commands run, in one process, then the instance's fingerprint."""
    return json.loads(run_python(env, RUN, json.dumps([commands, seed])))


def tables_in(database_url):
    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as connection:
        return connection.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_schema = 'public'").fetchone()[0]


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """The demo instance on PostgreSQL backed up, and restored into a new database and media directory."""
    directory = tmp_path_factory.mktemp("backup")
    with server_database("backup_source") as source_url, server_database("backup_target") as target_url:
        source = server_environment(source_url, directory / "source-media")
        target = server_environment(target_url, directory / "target-media")
        assert manage(source, "migrate", "--skip-checks", "-v", "0").returncode == 0
        backup = directory / "backup"
        made = run(source, ["load_demo", "-v", "0"], ["backup_portal", str(backup)])
        restored = run(target, ["restore_portal", str(backup)])
        yield SimpleNamespace(
            directory=directory, backup=backup, made=made["outputs"][-1], restored=restored["outputs"][-1],
            target=target, source_media=directory / "source-media", target_media=directory / "target-media",
            before=made["fingerprint"], after=restored["fingerprint"])


def _uploaded(files):
    """The stored files that are not whole-table export files (datastore.export_files writes two a loaded table)."""
    exported = {path for path in files if path.startswith("datastore/exports/")}
    assert exported and all(path.endswith((".parquet", ".xlsx")) for path in exported)
    return set(files) - exported


def test_the_restored_instance_holds_every_row_file_datastore_row_and_audit_entry(round_trip):
    files = stored(round_trip.source_media)
    assert f"Backed up the postgresql database and {len(files)} file(s)" in round_trip.made
    assert len(_uploaded(files)) == 13
    assert "Indexed 13 dataset(s)" in round_trip.restored  # the search index rebuilt
    before, after = round_trip.before, round_trip.after
    datasets = before["rows"]["datasets.Dataset"]
    assert len(datasets) == 15 and len(before["rows"]["audit.AuditEntry"]) >= 5
    assert {"open", "conditional", "restricted"} <= {value for row in datasets for value in row if isinstance(value, str)}
    versions = [row[1] for row in before["rows"]["datasets.ResourceVersion"]]  # resource ids
    assert len(versions) > len(set(versions))  # a resource with more than one version
    assert len(before["datastore"]) >= 10 and all(before["datastore"].values())
    assert before["search"]["空气"] == ["demo-aqi-levels", "demo-gb3095-limits"]
    for label in before["rows"]:
        assert after["rows"][label] == before["rows"][label], label
    assert after["datastore"] == before["datastore"]
    assert after["search"] == before["search"]
    assert stored(round_trip.target_media) == files


def test_the_manifest_names_every_file_with_its_checksum_the_dump_and_the_migrations(round_trip):
    manifest = json.loads((round_trip.backup / "manifest.json").read_text())
    assert {entry["path"]: entry["sha256"] for entry in manifest["files"]} == stored(round_trip.source_media)
    dump = round_trip.backup / "database.dump"
    assert manifest["database"] == {"vendor": "postgresql", "file": "database.dump", "size": dump.stat().st_size,
                                    "sha256": hashlib.sha256(dump.read_bytes()).hexdigest()}
    assert "0001_initial" in manifest["migrations"]["datasets"] and manifest["portal_version"]
    assert manifest["created_at"] and manifest["errors"] == []


def test_a_corrupted_backup_is_refused_before_anything_is_written(round_trip):
    damaged = round_trip.directory / "damaged"
    shutil.copytree(round_trip.backup, damaged)
    victim = min((damaged / "files").rglob("*.csv"))
    victim.write_bytes(victim.read_bytes()[:-1] + b"?")
    media = round_trip.directory / "refused-media"
    with server_database("backup_refused") as url:
        refused = manage(server_environment(url, media), "restore_portal", str(damaged))
        assert tables_in(url) == 0
    assert refused.returncode == 1
    assert "damaged, nothing was restored" in refused.stderr
    assert victim.relative_to(damaged / "files").as_posix() in refused.stderr and "SHA-256" in refused.stderr
    assert not media.exists() or stored(media) == {}


def test_a_restore_into_an_instance_that_is_not_empty_is_refused(round_trip):
    again = manage(round_trip.target, "restore_portal", str(round_trip.backup))
    assert again.returncode == 1 and "The database is not empty" in again.stderr and "--force" in again.stderr
    assert run(round_trip.target)["fingerprint"] == round_trip.after


def test_sqlite_round_trip_and_a_file_the_database_names_but_the_storage_lost(tmp_path):
    source = server_environment(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "source-media")
    target = server_environment(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "target-media")
    made = run(source, ["backup_portal", str(tmp_path / "backup")], seed=True)
    restored = run(target, ["restore_portal", str(tmp_path / "backup")])
    before, after = made["fingerprint"], restored["fingerprint"]
    assert len(before["rows"]["audit.AuditEntry"]) == made["seeded"] + 1  # the counted repeat, flushed from Redis
    assert "Indexed 3 dataset(s)" in restored["outputs"][0]
    assert len(before["datastore"]) == 6 and before["rows"] == after["rows"] and before["datastore"] == after["datastore"]
    files = stored(tmp_path / "source-media")
    assert len(_uploaded(files)) == 6 and stored(tmp_path / "target-media") == files

    lost = min(_uploaded(files))
    (tmp_path / "source-media" / lost).unlink()
    incomplete = manage(source, "backup_portal", str(tmp_path / "incomplete"))
    assert incomplete.returncode == 1 and "1 file(s) the database names are missing" in incomplete.stderr
    manifest = json.loads((tmp_path / "incomplete" / "manifest.json").read_text())
    assert manifest["errors"] == [{"path": lost, "error": "referenced by the database, missing from the storage"}]
    assert manifest["database"]["vendor"] == "sqlite" and len(manifest["files"]) == len(files) - 1
