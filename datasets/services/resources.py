"""Resources: a dataset's files and links, the versions of its files, and their replacement and removal.

Every change to a resource is a change to its dataset: its modified time moves
and it is announced for re-indexing.
"""
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from core.stored_files import atomic_with_files, delete_stored_files

from .. import signals
from ..models import Activity, Dataset, Resource, ResourceVersion
from .announcements import announce_dataset_changed
from .history import record_activity, recorded_value
from .metadata import field_error
from .publishing_rights import ensure_can_publish

RESOURCE_FIELDS = ("name", "name_en", "description", "description_en", "url", "table_schema", "position")
# Optional English texts: empty is "not set" (core.localization), and each has a length limit.
ENGLISH_LIMITS = {"name_en": 300, "description_en": 50000}


def _store_version(*, user, resource, uploaded, claimed_format, stored):
    facts = uploads.inspect_upload(uploaded, claimed_format)
    number = (resource.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ResourceVersion(
        resource=resource, number=number, filename=facts.filename, format=facts.format,
        media_type=facts.media_type, size=facts.size, sha256=facts.sha256, created_by=_actor(user),
    )
    version.file.save(facts.filename, uploaded, save=False)
    stored.append(version.file.name)
    version.save()
    resource.current_version = version
    resource.format, resource.media_type = facts.format, facts.media_type
    resource.size, resource.sha256 = facts.size, facts.sha256
    transaction.on_commit(lambda: signals.resource_version_created.send(
        sender=ResourceVersion, resource_id=resource.pk, version_id=version.pk))
    return version


LINK_VALIDATOR = URLValidator(schemes=["http", "https", "ftp"])


def _actor(user):
    return user if user and user.is_authenticated else None


def _clean_resource_data(data, resource=None):
    unknown = set(data) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
    cleaned, errors = {}, {}
    if "name" in data or resource is None:
        name = str(data.get("name") or "").strip()
        if not name and resource is None:
            name = None  # filled from the file name
        elif not name:
            errors["name"] = [_("此字段为必填项。")]
        elif len(name) > 300:
            errors["name"] = [_("最多 %(n)d 个字符。") % {"n": 300}]
        cleaned["name"] = name
    if "description" in data:
        cleaned["description"] = str(data["description"] or "")
    for field, limit in ENGLISH_LIMITS.items():
        if field in data:
            cleaned[field] = str(data[field] or "").strip()
            if len(cleaned[field]) > limit:
                errors[field] = [_("最多 %(n)d 个字符。") % {"n": limit}]
    if "url" in data:
        url = str(data["url"] or "").strip()
        if url:
            try:
                LINK_VALIDATOR(url)
            except ValidationError:
                errors["url"] = [_("请输入有效的网址。")]
        cleaned["url"] = url
    if "table_schema" in data:
        schema = data["table_schema"]
        if schema not in (None, "") and not (isinstance(schema, dict) and isinstance(schema.get("fields"), list)):
            errors["table_schema"] = [_("表结构应为包含 fields 数组的 Table Schema 对象。")]
        cleaned["table_schema"] = schema or None
    if "position" in data:
        try:
            cleaned["position"] = max(0, int(data["position"]))
        except (TypeError, ValueError):
            errors["position"] = [_("应为整数。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def add_file_resource(*, user, dataset, uploaded, data=None, claimed_format=None):
    """Attach an uploaded file to a dataset as a new resource (version 1)."""
    ensure_can_publish(user, dataset.organization)
    cleaned = _clean_resource_data(data or {})
    cleaned.pop("url", None)
    with atomic_with_files() as stored:
        resource = Resource(dataset=dataset, kind=Resource.Kind.FILE, **cleaned)
        resource.name = resource.name or uploads.safe_filename(getattr(uploaded, "name", "") or "")
        resource.save()
        _store_version(user=user, resource=resource, uploaded=uploaded, claimed_format=claimed_format, stored=stored)
        resource.save()
        record_activity(user, Activity.Action.CREATED, dataset=dataset, resource=resource,
                        changes={"format": [None, resource.format], "size": [None, resource.size]})
        _touch(dataset)
    return resource


def build_url_resource(*, dataset, data, claimed_format=""):
    """A validated, unsaved external-link resource (bulk loaders save many at once)."""
    cleaned = _clean_resource_data(data)
    if not cleaned.get("url"):
        raise field_error("url", _("此字段为必填项。"))
    if not cleaned.get("name"):
        cleaned["name"] = cleaned["url"][:300]
    fmt = (claimed_format or "").strip().upper().lstrip(".")
    if len(fmt) > 30:
        raise field_error("format", _("最多 %(n)d 个字符。") % {"n": 30})
    return Resource(
        dataset=dataset, kind=Resource.Kind.URL, format=fmt, media_type=uploads.MEDIA_TYPES.get(fmt, ""), **cleaned
    )


def add_url_resource(*, user, dataset, data, claimed_format=""):
    """Attach an external link; its format is the publisher's word, as nothing is fetched."""
    ensure_can_publish(user, dataset.organization)
    resource = build_url_resource(dataset=dataset, data=data, claimed_format=claimed_format)
    with transaction.atomic():
        resource.save()
        record_activity(user, Activity.Action.CREATED, dataset=dataset, resource=resource)
        _touch(dataset)
    return resource


def update_resource(*, user, resource, data):
    ensure_can_publish(user, resource.dataset.organization)
    cleaned = _clean_resource_data(data, resource=resource)
    if "url" in cleaned and resource.kind == Resource.Kind.FILE and cleaned["url"]:
        raise field_error("url", _("文件资源不能设置外部链接。"))
    if resource.kind == Resource.Kind.URL and "url" in cleaned and not cleaned["url"]:
        raise field_error("url", _("此字段为必填项。"))
    with transaction.atomic():
        changes = {}
        for field, value in cleaned.items():
            if getattr(resource, field) != value:
                changes[field] = [recorded_value(getattr(resource, field)), recorded_value(value)]
                setattr(resource, field, value)
        resource.save()
        if changes:
            record_activity(user, Activity.Action.UPDATED, dataset=resource.dataset, resource=resource, changes=changes)
            _touch(resource.dataset)
    return resource


def replace_resource_file(*, user, resource, uploaded, claimed_format=None):
    """Upload a new version; earlier versions stay downloadable from the history."""
    ensure_can_publish(user, resource.dataset.organization)
    if resource.kind != Resource.Kind.FILE:
        raise field_error("file", _("外部链接资源没有文件可替换。"))
    with atomic_with_files() as stored:
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        previous = resource.current_version
        version = _store_version(user=user, resource=resource, uploaded=uploaded,
                                 claimed_format=claimed_format, stored=stored)
        resource.save()
        record_activity(
            user, Activity.Action.NEW_VERSION, dataset=resource.dataset, resource=resource,
            changes={"version": [previous.number if previous else None, version.number],
                     "sha256": [previous.sha256 if previous else None, version.sha256]},
        )
        _touch(resource.dataset)
    return resource


def delete_resource(*, user, resource):
    ensure_can_publish(user, resource.dataset.organization)
    dataset = resource.dataset
    with transaction.atomic():
        stored = list(resource.versions.values_list("file", flat=True))
        record_activity(user, Activity.Action.DELETED, dataset=dataset, changes={"resource": [resource.name, None]})
        resource.delete()
        _touch(dataset)
        transaction.on_commit(lambda: delete_stored_files(stored))


def _touch(dataset):
    """A change to a resource is a change to its dataset: bump modified and re-index."""
    Dataset.objects.filter(pk=dataset.pk).update(modified=timezone.now())
    announce_dataset_changed(dataset.pk)
