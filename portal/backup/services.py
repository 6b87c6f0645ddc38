"""One backup: the database snapshot first, then every stored file, then the manifest; one restore back.

The snapshot comes first so every file it names is already stored when the files are copied;
an upload landing in between is a harmless extra. A file the snapshot names that the storage
no longer holds is listed in the manifest's `errors`. A restore checks every checksum, the
vendor, the migrations and that the instance is empty before it writes anything.
"""
import importlib.metadata
import json
import os
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from apikeys import metering
from audit import services as audit
from core import redis_store

from . import database, files
from .errors import BackupError

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"


def _portal_version():
    try:
        return importlib.metadata.version("city-data-portal")
    except importlib.metadata.PackageNotFoundError:  # a checkout that was never installed
        return "unknown"


def _flush_redis_buffers():
    """Write what Redis holds for a minute (API usage, counted audit repeats) into the database; warnings."""
    try:
        metering.flush_usage()
        audit.flush_repeats(include_current=True)
    except redis_store.Error as error:
        return [f"Redis is unavailable ({error}): the last minute of API usage and audit repeats is not in the backup."]
    return []


def back_up(destination):
    """Write a backup into `destination` (a new or empty directory); its manifest."""
    destination = Path(destination)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} is not an empty directory: each backup goes into a new one.")
    dump_name = database.dump_name()
    destination.mkdir(parents=True, exist_ok=True)
    warnings = _flush_redis_buffers()
    created = timezone.now()
    referenced, migrations = database.dump(destination / dump_name)
    stored = files.back_up(default_storage, destination / FILES)
    copied = {entry["path"] for entry in stored}
    dump_size, dump_sha256 = files.checksum(destination / dump_name)
    manifest = {
        "format": FORMAT,
        "created_at": created.isoformat(),
        "portal_version": _portal_version(),
        "database": {"vendor": connection.vendor, "file": dump_name, "size": dump_size, "sha256": dump_sha256},
        "migrations": migrations,
        "files": stored,
        "errors": [{"path": name, "error": "referenced by the database, missing from the storage"}
                   for name in referenced if name not in copied],
        "warnings": warnings,
    }
    partial = destination / f"{MANIFEST}.partial"  # a backup without manifest.json never finished
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, destination / MANIFEST)
    return manifest


def _read_manifest(source):
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: not a backup, or one that did not finish.") from None
    except ValueError as error:
        raise BackupError(f"{source / MANIFEST} is not readable JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source / MANIFEST} is not a backup manifest of format {FORMAT}.")
    return manifest


def verified_manifest(source):
    """The manifest of the backup in `source` once every checksum matches; BackupError naming each problem."""
    source = Path(source)
    manifest = _read_manifest(source)
    try:
        dump = manifest["database"]
        if database.DUMP_NAMES.get(dump["vendor"]) != dump["file"]:
            raise BackupError(f"{source / MANIFEST} names an unknown database dump.")
        found = files.problems(source / dump["file"], {**dump, "path": dump["file"]})
        for entry in manifest["files"]:
            found += files.problems(source / FILES / entry["path"], entry) if files.is_safe(entry["path"]) \
                else [f"{entry['path']!r}: not a relative path inside the backup"]
        if not isinstance(manifest["migrations"], dict):
            raise TypeError
    except (KeyError, TypeError, AttributeError):
        raise BackupError(f"{source / MANIFEST} lacks a field a backup manifest has.") from None
    if found:
        raise BackupError("The backup is damaged, nothing was restored:\n  " + "\n  ".join(found))
    return manifest


def _ensure_restorable(manifest, *, force):
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"The backup holds a {vendor} database; this instance runs {connection.vendor}.")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, names in sorted(manifest["migrations"].items()) for name in names
               if (app, name) not in known]
    if unknown:
        raise BackupError(f"The backup was made by a newer portal (migrations this code lacks: {', '.join(unknown)}); "
                          "restore it with that version.")
    if force:
        return
    if not database.is_empty():
        raise BackupError("The database is not empty: restore into a new database, or pass --force to replace "
                          "what the backup holds.")
    if files.has_files(default_storage):
        raise BackupError("The file storage is not empty: restore into a new one, or pass --force.")


def restore(source, *, force=False, stdout=None):
    """Restore the backup in `source` into this instance, migrate it to this code, rebuild the search index."""
    source = Path(source)
    manifest = verified_manifest(source)
    _ensure_restorable(manifest, force=force)
    database.restore(source / manifest["database"]["file"], force=force)
    files.restore(default_storage, source / FILES, manifest["files"], force=force)
    call_command("migrate", interactive=False, verbosity=0)  # a backup of an older version meets this code
    call_command("rebuild_search_index", no_progress=True, stdout=stdout)
    return manifest
