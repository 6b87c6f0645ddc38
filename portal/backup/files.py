"""The stored files half of a backup: every file of a storage, copied out and back with its SHA-256.

The storage is walked with listdir, so any backend that lists (local disk, S3 through
django-storages) backs up the same way.
"""
import hashlib
import posixpath
from pathlib import Path, PurePosixPath

from django.core.files import File

from .errors import BackupError

CHUNK = 1024 * 1024


def stored_names(storage, top=""):
    """Every file name in `storage` under `top`, depth first, in a stable order."""
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:  # a local storage whose directory nothing created yet
        return
    for name in sorted(files):
        yield posixpath.join(top, name)
    for directory in sorted(directories):
        yield from stored_names(storage, posixpath.join(top, directory))


def has_files(storage):
    return next(stored_names(storage), None) is not None


def _copy(source, target):
    """(size, sha256) of what was copied from `source` to `target`."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def back_up(storage, directory):
    """Copy every stored file under `directory`; their manifest entries (path, size, sha256)."""
    entries = []
    for name in stored_names(storage):
        target = Path(directory, *PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, target.open("wb") as copy:
                size, sha256 = _copy(source, copy)
        except FileNotFoundError:  # deleted since it was listed: if the dump names it, it is reported missing
            target.unlink(missing_ok=True)
            continue
        entries.append({"path": name, "size": size, "sha256": sha256})
    return entries


def is_safe(name):
    """A relative path that stays inside the backup (a manifest is read before it is trusted)."""
    path = PurePosixPath(name)
    return bool(name) and isinstance(name, str) and not path.is_absolute() and ".." not in path.parts \
        and "\\" not in name


def problems(path, entry):
    """What is wrong with the copy at `path` against its manifest entry (empty: nothing)."""
    if not path.is_file():
        return [f"{entry['path']}: missing from the backup"]
    size, sha256 = checksum(path)
    if size != entry["size"]:
        return [f"{entry['path']}: {size} bytes, the manifest says {entry['size']}"]
    if sha256 != entry["sha256"]:
        return [f"{entry['path']}: SHA-256 {sha256} differs from the manifest's {entry['sha256']}"]
    return []


def restore(storage, directory, entries, *, force):
    """Write every backed-up file into `storage` under its own name; `force` replaces one already there."""
    for entry in entries:
        name = entry["path"]
        if force and storage.exists(name):
            storage.delete(name)
        with Path(directory, *PurePosixPath(name).parts).open("rb") as handle:
            saved = storage.save(name, File(handle, name=posixpath.basename(name)))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}: restore into an empty storage.")


def checksum(path):
    """(size, sha256) of a file on disk."""
    with Path(path).open("rb") as handle:
        return Path(path).stat().st_size, hashlib.file_digest(handle, "sha256").hexdigest()
