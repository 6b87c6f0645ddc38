"""Contributed files on storage: written, read back and checksummed before the row that names them commits.

Works on any storage backend: a file whose stored bytes do not hash to what
was received (or to the checksum the contributor declared) is deleted and
refused, so a contribution never points at a partial or corrupted file.
"""
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core import uploads

CHUNK = 1024 * 1024


def inspect(uploaded, declared_sha256=""):
    """Facts of an upload (core.uploads rules, container limits included) under the contribution size limit."""
    # A contribution becomes a resource when merged, so the resource limit holds as well.
    limit = min(settings.CONTRIBUTION_MAX_UPLOAD_BYTES, settings.RESOURCE_MAX_UPLOAD_BYTES)
    facts = uploads.inspect_upload(uploaded, limit=limit)
    declared = (declared_sha256 or "").strip().lower()
    if declared and declared != facts.sha256:
        raise ValidationError({"sha256": _("文件校验和不符：收到的文件的 SHA-256 为 %(got)s。") % {"got": facts.sha256}})
    return facts


def _sha256_of(name):
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store(contribution, uploaded, facts, stored):
    """Save the upload as the contribution's file and verify the stored bytes' checksum."""
    contribution.sha256 = facts.sha256
    contribution.file.save(facts.filename, uploaded, save=False)
    stored.append(contribution.file.name)
    if _sha256_of(contribution.file.name) != facts.sha256:
        raise ValidationError({"file": _("文件写入后校验失败，请重新上传。")})
    contribution.filename, contribution.format, contribution.size = facts.filename, facts.format, facts.size


def open_file(contribution):
    return default_storage.open(contribution.file.name, "rb")
