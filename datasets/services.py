"""Publishing rules: the one place that creates, changes and removes catalog entries.

Views, API views, the admin, commands and tasks all call these functions, so
who may publish, what a valid dataset is, what gets recorded in the history
and what gets re-indexed is decided here and nowhere else.
"""
import datetime
import re
import threading
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from portal.exceptions import Conflict

from . import identifiers, signals
from .grading import is_platform_staff
from .models import (
    Activity,
    Dataset,
    Licence,
    Membership,
    OpenGrade,
    Organization,
    Resource,
    ResourceVersion,
    Theme,
    UpdateFrequency,
)

IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._:\-/]{0,199}$")
MAX_KEYWORDS = 50
MAX_KEYWORD_LENGTH = 100

# Fields a publisher may set on a dataset; the rest belong to the platform.
DATASET_FIELDS = (
    "identifier", "title", "description", "themes", "keywords", "licence", "open_grade",
    "update_frequency", "next_update_due", "temporal_start", "temporal_end", "spatial_region",
    "spatial_bbox", "spatial_geojson", "contact_name", "contact_email", "source_url",
)
RESOURCE_FIELDS = ("name", "description", "url", "table_schema", "position")

GEOJSON_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection", "Feature", "FeatureCollection",
}


# --- who may publish -------------------------------------------------------

def can_publish(user, organization):
    """Staff, or a publisher of this government organization."""
    if is_platform_staff(user):
        return True
    if not (user and user.is_authenticated) or organization.kind != Organization.Kind.GOVERNMENT:
        return False
    return Membership.objects.filter(
        user=user, organization=organization, role=Membership.Role.PUBLISHER
    ).exists()


def publishable_organizations(user):
    if is_platform_staff(user):
        return Organization.objects.filter(kind=Organization.Kind.GOVERNMENT)
    if not (user and user.is_authenticated):
        return Organization.objects.none()
    return Organization.objects.filter(
        kind=Organization.Kind.GOVERNMENT,
        memberships__user=user,
        memberships__role=Membership.Role.PUBLISHER,
    ).distinct()


def ensure_can_publish(user, organization):
    if not can_publish(user, organization):
        raise PermissionDenied(_("只有该组织的发布者可以修改其数据集。"))


# --- validation -------------------------------------------------------------

def _error(field, message):
    return ValidationError({field: message})


def _as_date(field, value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise _error(field, _("日期格式应为 YYYY-MM-DD。")) from None


def validate_bbox(value):
    """[min_lon, min_lat, max_lon, max_lat] in WGS 84, or None."""
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\s]+", value.strip()) if part]
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise _error("spatial_bbox", _("边界框应为四个数：最小经度,最小纬度,最大经度,最大纬度。"))
    try:
        west, south, east, north = (float(part) for part in value)
    except (TypeError, ValueError):
        raise _error("spatial_bbox", _("边界框只能包含数字。")) from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise _error("spatial_bbox", _("边界框超出经纬度范围。"))
    if west > east or south > north:
        raise _error("spatial_bbox", _("边界框的最小值不能大于最大值。"))
    return [west, south, east, north]


def validate_geojson(value):
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            raise _error("spatial_geojson", _("GeoJSON 不是合法的 JSON。")) from None
    if not isinstance(value, dict) or value.get("type") not in GEOJSON_TYPES:
        raise _error("spatial_geojson", _("GeoJSON 缺少合法的 type。"))
    kind = value["type"]
    if kind == "FeatureCollection" and not isinstance(value.get("features"), list):
        raise _error("spatial_geojson", _("FeatureCollection 需要 features 数组。"))
    if kind == "Feature" and "geometry" not in value:
        raise _error("spatial_geojson", _("Feature 需要 geometry。"))
    if kind not in {"Feature", "FeatureCollection", "GeometryCollection"} and not isinstance(
        value.get("coordinates"), list
    ):
        raise _error("spatial_geojson", _("几何对象需要 coordinates 数组。"))
    return value


def _clean_keywords(value):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[,，;；]", value)]
    if not isinstance(value, (list, tuple)):
        raise _error("keywords", _("关键词应为字符串列表。"))
    keywords = []
    for keyword in value:
        if not isinstance(keyword, str):
            raise _error("keywords", _("关键词应为字符串列表。"))
        keyword = keyword.strip()
        if not keyword:
            continue
        if len(keyword) > MAX_KEYWORD_LENGTH:
            raise _error("keywords", _("每个关键词最多 %(n)d 个字符。") % {"n": MAX_KEYWORD_LENGTH})
        if keyword not in keywords:
            keywords.append(keyword)
    if len(keywords) > MAX_KEYWORDS:
        raise _error("keywords", _("关键词最多 %(n)d 个。") % {"n": MAX_KEYWORDS})
    return keywords


def _clean_licence(value):
    if value in (None, ""):
        return None
    if isinstance(value, Licence):
        return value
    licence = Licence.objects.filter(code=str(value)).first()
    if licence is None:
        raise _error("licence", _("未知的许可协议：%(code)s。") % {"code": value})
    return licence


def _clean_themes(value):
    if value in (None, ""):
        return []
    if isinstance(value, (str, Theme)):
        value = [value]
    codes = [theme.code if isinstance(theme, Theme) else str(theme) for theme in value]
    themes = list(Theme.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {theme.code for theme in themes})
    if unknown:
        raise _error("themes", _("未知的主题：%(codes)s。") % {"codes": ", ".join(unknown)})
    return themes


def _max_length(field, value, limit):
    if value is not None and len(value) > limit:
        raise _error(field, _("最多 %(n)d 个字符。") % {"n": limit})


def clean_dataset_data(data, instance=None):
    """Validate publisher input for a dataset; returns normalized values.

    Raises ValidationError with every field that is wrong, not only the first.
    """
    unknown = set(data) - set(DATASET_FIELDS)
    if unknown:
        raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
    cleaned, errors = {}, {}

    def run(field, cleaner):
        if field in data:
            try:
                cleaned[field] = cleaner(data[field])
            except ValidationError as error:
                errors.update(error.message_dict)

    def text(field, limit, required=False):
        def clean(value):
            value = "" if value is None else str(value).strip()
            if required and not value:
                raise _error(field, _("此字段为必填项。"))
            _max_length(field, value, limit)
            return value
        return clean

    def choice(field, choices):
        def clean(value):
            if value not in choices.values:
                raise _error(field, _("无效的取值：%(value)s。可选：%(choices)s。")
                             % {"value": value, "choices": ", ".join(choices.values)})
            return value
        return clean

    def identifier(value):
        value = "" if value is None else str(value).strip()
        if not value:
            raise _error("identifier", _("此字段为必填项。"))
        if not IDENTIFIER_PATTERN.match(value):
            raise _error("identifier", _("标识符只能包含字母、数字、汉字和 . _ : - /，最多 200 个字符。"))
        if instance is not None and value != instance.identifier:
            raise _error("identifier", _("标识符发布后不可更改。"))
        return value

    def email(value):
        value = (value or "").strip()
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                raise _error("contact_email", _("请输入有效的邮箱地址。")) from None
        return value

    def url(value):
        value = (value or "").strip()
        if value:
            _max_length("source_url", value, 1000)
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                raise _error("source_url", _("请输入有效的网址。")) from None
        return value

    run("identifier", identifier)
    run("title", text("title", 300, required=True))
    run("description", text("description", 50000))
    run("themes", _clean_themes)
    run("keywords", _clean_keywords)
    run("licence", _clean_licence)
    run("open_grade", choice("open_grade", OpenGrade))
    run("update_frequency", choice("update_frequency", UpdateFrequency))
    for field in ("next_update_due", "temporal_start", "temporal_end"):
        run(field, lambda value, field=field: _as_date(field, value))
    run("spatial_region", text("spatial_region", 200))
    run("spatial_bbox", validate_bbox)
    run("spatial_geojson", validate_geojson)
    run("contact_name", text("contact_name", 200))
    run("contact_email", email)
    run("source_url", url)

    start = cleaned.get("temporal_start", getattr(instance, "temporal_start", None))
    end = cleaned.get("temporal_end", getattr(instance, "temporal_end", None))
    if start and end and end < start and "temporal_end" not in errors:
        errors["temporal_end"] = [_("结束日期不能早于开始日期。")]
    if instance is None:
        for required in ("identifier", "title"):
            if required not in data and required not in errors:
                errors[required] = [_("此字段为必填项。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- history ----------------------------------------------------------------

def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (Licence, Theme)):
        return value.code
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _dataset_value(dataset, field):
    if field == "themes":
        return sorted(theme.code for theme in dataset.themes.all()) if dataset.pk else []
    return _plain(getattr(dataset, field))


def record_activity(actor, action, *, dataset=None, resource=None, organization=None, changes=None):
    activity = build_activity(actor, action, dataset=dataset, resource=resource,
                              organization=organization, changes=changes)
    activity.save()
    return activity


def build_activity(actor, action, *, dataset=None, resource=None, organization=None, changes=None):
    """An unsaved history row (bulk loaders save many at once)."""
    target = resource or dataset or organization
    object_type = (
        Activity.ObjectType.RESOURCE if resource else
        Activity.ObjectType.DATASET if dataset else Activity.ObjectType.ORGANIZATION
    )
    return Activity(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_label=str(target)[:300],
        organization=organization or (dataset.organization if dataset else None),
        dataset=dataset,
        resource=resource,
        changes=changes or {},
    )


_announcing = threading.local()


@contextmanager
def changes_announced_together():
    """Within it, the dataset changes made are announced in one dataset_changed after commit (a catalog
    import's batch, an organization rename) instead of one per dataset; use it inside the transaction."""
    outer = getattr(_announcing, "ids", None)
    ids = set() if outer is None else outer
    _announcing.ids = ids
    try:
        yield
    finally:
        _announcing.ids = outer
    if outer is None and ids:
        transaction.on_commit(lambda: signals.dataset_changed.send(sender=Dataset, dataset_ids=sorted(ids)))


def _dataset_changed(dataset_id):
    """Tell listeners (the search index) once the transaction has committed."""
    together = getattr(_announcing, "ids", None)
    if together is not None:
        together.add(dataset_id)
    else:
        transaction.on_commit(lambda: signals.dataset_changed.send(sender=Dataset, dataset_ids=[dataset_id]))


# --- datasets ---------------------------------------------------------------

def _apply(dataset, cleaned):
    themes = cleaned.pop("themes", None)
    for field, value in cleaned.items():
        setattr(dataset, field, value)
    return themes


@transaction.atomic
def create_dataset(*, user, organization, data, state=Dataset.State.DRAFT):
    ensure_can_publish(user, organization)
    cleaned = clean_dataset_data(data)
    identifiers.ensure_available(cleaned["identifier"])
    dataset = Dataset(organization=organization, state=state)
    themes = _apply(dataset, dict(cleaned))
    if state == Dataset.State.PUBLISHED:
        dataset.published_at = timezone.now()
    try:
        with transaction.atomic():
            dataset.save()
    except IntegrityError:
        raise identifiers.unavailable(cleaned["identifier"]) from None
    if themes is not None:
        dataset.themes.set(themes)
    record_activity(user, Activity.Action.CREATED, dataset=dataset)
    _dataset_changed(dataset.pk)
    return dataset


@transaction.atomic
def update_dataset(*, user, dataset, data):
    ensure_can_publish(user, dataset.organization)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    cleaned = clean_dataset_data(data, instance=dataset)
    changes = {}
    for field, value in cleaned.items():
        old = _dataset_value(dataset, field)
        new = sorted(theme.code for theme in value) if field == "themes" else _plain(value)
        if old != new:
            changes[field] = [old, new]
    themes = _apply(dataset, cleaned)
    dataset.save()
    if themes is not None:
        dataset.themes.set(themes)
    if changes:
        record_activity(user, Activity.Action.UPDATED, dataset=dataset, changes=changes)
    _dataset_changed(dataset.pk)
    return dataset


@transaction.atomic
def publish_dataset(*, user, dataset):
    ensure_can_publish(user, dataset.organization)
    if dataset.state == Dataset.State.PUBLISHED:
        return dataset
    previous = dataset.state
    dataset.state = Dataset.State.PUBLISHED
    dataset.published_at = dataset.published_at or timezone.now()
    dataset.save(update_fields=["state", "published_at", "modified"])
    record_activity(user, Activity.Action.PUBLISHED, dataset=dataset, changes={"state": [previous, dataset.state]})
    _dataset_changed(dataset.pk)
    return dataset


@transaction.atomic
def archive_dataset(*, user, dataset):
    ensure_can_publish(user, dataset.organization)
    if dataset.state == Dataset.State.ARCHIVED:
        return dataset
    previous = dataset.state
    dataset.state = Dataset.State.ARCHIVED
    dataset.save(update_fields=["state", "modified"])
    record_activity(user, Activity.Action.ARCHIVED, dataset=dataset, changes={"state": [previous, dataset.state]})
    _dataset_changed(dataset.pk)
    return dataset


@transaction.atomic
def delete_dataset(*, user, dataset):
    """Delete a dataset and its files; its history rows stay, detached."""
    ensure_can_publish(user, dataset.organization)
    dataset_id = dataset.pk
    record_activity(user, Activity.Action.DELETED, organization=dataset.organization,
                    changes={"identifier": [dataset.identifier, None]})
    stored = list(ResourceVersion.objects.filter(resource__dataset=dataset).values_list("file", flat=True))
    dataset.delete()
    transaction.on_commit(lambda: _delete_stored_files(stored))
    _dataset_changed(dataset_id)


# --- resources ----------------------------------------------------------------

def _delete_stored_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


@contextmanager
def _atomic_with_files():
    """A transaction that also removes the files it stored if it fails: no orphan files."""
    stored = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        _delete_stored_files(stored)
        raise


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
    if "url" in data:
        url = str(data["url"] or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https", "ftp"])(url)
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
    with _atomic_with_files() as stored:
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
        raise _error("url", _("此字段为必填项。"))
    if not cleaned.get("name"):
        cleaned["name"] = cleaned["url"][:300]
    fmt = (claimed_format or "").strip().upper().lstrip(".")
    if len(fmt) > 30:
        raise _error("format", _("最多 %(n)d 个字符。") % {"n": 30})
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
        raise _error("url", _("文件资源不能设置外部链接。"))
    if resource.kind == Resource.Kind.URL and "url" in cleaned and not cleaned["url"]:
        raise _error("url", _("此字段为必填项。"))
    with transaction.atomic():
        changes = {}
        for field, value in cleaned.items():
            if getattr(resource, field) != value:
                changes[field] = [_plain(getattr(resource, field)), _plain(value)]
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
        raise _error("file", _("外部链接资源没有文件可替换。"))
    with _atomic_with_files() as stored:
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
        transaction.on_commit(lambda: _delete_stored_files(stored))


def _touch(dataset):
    """A change to a resource is a change to its dataset: bump modified and re-index."""
    Dataset.objects.filter(pk=dataset.pk).update(modified=timezone.now())
    _dataset_changed(dataset.pk)


# --- downloads ----------------------------------------------------------------

def count_download(resource_id):
    """Add one download to a resource and its dataset (run by a task, off the request path)."""
    dataset_id = Resource.objects.filter(pk=resource_id).values_list("dataset_id", flat=True).first()
    if dataset_id is None:
        return
    Resource.objects.filter(pk=resource_id).update(download_count=F("download_count") + 1)
    Dataset.objects.filter(pk=dataset_id).update(download_count=F("download_count") + 1)


# --- organizations ------------------------------------------------------------

ORGANIZATION_FIELDS = ("slug", "kind", "name_zh", "name_en", "description", "contact_email", "contact_phone", "website")


def _ensure_staff(user):
    if not is_platform_staff(user):
        raise PermissionDenied(_("只有平台管理员可以管理组织。"))


@transaction.atomic
def save_organization(*, user, data, organization=None):
    """Create or update an organization (platform staff only), recording the change."""
    _ensure_staff(user)
    unknown = set(data) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
    target = organization or Organization()
    before = {field: getattr(target, field) for field in data}
    for field, value in data.items():
        setattr(target, field, value)
    try:
        target.full_clean()
    except ValidationError as error:
        if "slug" in error.message_dict and Organization.objects.filter(slug=target.slug).exclude(pk=target.pk).exists():
            raise Conflict(_("组织标识 %(slug)s 已被使用。") % {"slug": target.slug}, field="slug") from None
        raise
    target.save()
    if organization is None:
        record_activity(user, Activity.Action.CREATED, organization=target)
    else:
        changes = {f: [before[f], getattr(target, f)] for f in data if before[f] != getattr(target, f)}
        if changes:
            record_activity(user, Activity.Action.UPDATED, organization=target, changes=changes)
            with changes_announced_together():
                for dataset_id in target.datasets.values_list("pk", flat=True):
                    _dataset_changed(dataset_id)
    return target


@transaction.atomic
def add_member(*, user, organization, member, role):
    if role not in Membership.Role.values:
        raise _error("role", _("无效的角色：%(role)s。") % {"role": role})
    if not (is_platform_staff(user) or Membership.objects.filter(
        user=user, organization=organization, role=Membership.Role.ADMIN
    ).exists()):
        raise PermissionDenied(_("只有平台管理员或组织管理员可以管理成员。"))
    membership, created = Membership.objects.get_or_create(user=member, organization=organization, role=role)
    if created:
        record_activity(user, Activity.Action.UPDATED, organization=organization,
                        changes={"member": [None, f"{member.username}:{role}"]})
    return membership
