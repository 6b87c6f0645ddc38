"""Keeping a harvest source: who may, what a valid one is, when it runs next, and the audit line it leaves.

`save_source` takes the plain dict the API or the page form sends (only the fields given change on
an edit): organization by slug or instance (None: map publishers by name, staff only), default
licence by code or instance. Every refusal is a ValidationError naming the field.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import record_audit
from datasets.models import Licence, OpenGrade
from organizations.models import Organization
from organizations.refusals import not_platform_staff

from ..fetcher import check_source_url
from ..models import DisappearedPolicy, HarvestSource, Schedule
from ..permissions import ensure_may_manage_source, may_manage_harvests_of
from ..schedules import next_run_after, parse_cron
from ..sources import SOURCE_TYPES

FIELDS = ("name", "organization", "kind", "url", "config", "schedule", "cron", "default_open_grade",
          "default_licence", "publish", "disappeared_policy", "archive_after_days", "active")
CHOICES = {"schedule": Schedule, "default_open_grade": OpenGrade, "disappeared_policy": DisappearedPolicy}
MAX_ARCHIVE_DAYS = 3650


def _invalid(field, message):
    return ValidationError({field: [message]})


def _organization(value):
    if value in (None, "") or isinstance(value, Organization):
        return value or None
    organization = Organization.objects.filter(slug=str(value)).first()
    if organization is None:
        raise _invalid("organization", _("没有这个组织。"))
    return organization


def _licence(value):
    if value in (None, "") or isinstance(value, Licence):
        return value or None
    licence = Licence.objects.filter(code=str(value)).first()
    if licence is None:
        raise _invalid("default_licence", _("没有这个许可协议。"))
    return licence


def _clean_config(kind, config):
    if not isinstance(config, dict):
        raise _invalid("config", _("类型设置应为 JSON 对象。"))
    try:
        return SOURCE_TYPES[kind].clean_config(config)
    except ValidationError as error:
        # The source type names its own setting; the form and the API show it on `config`.
        messages = ([f"{key}: {' '.join(texts)}" for key, texts in error.message_dict.items()]
                    if hasattr(error, "error_dict") else error.messages)
        raise ValidationError({"config": messages}) from None


def _cleaned(values):
    """The source's fields checked one by one; all the faults found are raised together."""
    errors = {}

    def check(field, test):
        try:
            values[field] = test(values[field])
        except ValidationError as error:
            errors.update(error.message_dict)

    name = (values["name"] or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("名称不能为空，且不超过 200 个字符。")]
    values["name"] = name
    check("organization", _organization)
    check("default_licence", _licence)
    organization = values["organization"]
    if isinstance(organization, Organization) and organization.kind != Organization.Kind.GOVERNMENT:
        errors["organization"] = [_("只能采集到政府部门。")]
    if values["kind"] not in SOURCE_TYPES:
        errors["kind"] = [_("不支持的来源类型；可选值：%(values)s。") % {"values": ", ".join(sorted(SOURCE_TYPES))}]
    else:
        check("config", lambda config: _clean_config(values["kind"], config))
    url = (values["url"] or "").strip()
    values["url"] = url
    if len(url) > 2000:
        errors["url"] = [_("网址过长。")]
    else:
        check("url", lambda url: check_source_url(url) or url)
    for field, choices in CHOICES.items():
        if values[field] not in choices.values:
            errors[field] = [_("可选值：%(values)s。") % {"values": ", ".join(choices.values)}]
    values["cron"] = (values["cron"] or "").strip() if values["schedule"] == Schedule.CRON else ""
    if values["schedule"] == Schedule.CRON:
        check("cron", lambda cron: parse_cron(cron) and cron)
    days = values["archive_after_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_ARCHIVE_DAYS:
        errors["archive_after_days"] = [_("应为 1 到 %(max)s 之间的整数。") % {"max": MAX_ARCHIVE_DAYS}]
    for field in ("publish", "active"):
        if not isinstance(values[field], bool):
            errors[field] = [_("应为 true 或 false。")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def save_source(*, user, data, instance=None):
    """Create a source (instance None) or change the given fields of one; returns the saved source."""
    if instance is not None:
        ensure_may_manage_source(user, instance)
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationError({name: [_("未知字段。")] for name in unknown})
    source = instance or HarvestSource(created_by=user if user and user.is_authenticated else None)
    before = {field: getattr(source, field) for field in FIELDS} if instance is not None else {}
    values = _cleaned({field: data.get(field, getattr(source, field)) for field in FIELDS})
    if not may_manage_harvests_of(user, values["organization"]):
        raise not_platform_staff(_("只有平台管理员或目标组织的管理员可以管理采集到该组织的来源；"
                                   "按名称匹配发布单位的来源仅限平台管理员。"))
    for field, value in values.items():
        setattr(source, field, value)
    changed = [field for field in FIELDS if before.get(field) != values[field]] if instance else list(FIELDS)
    if instance is None or source.next_run_at is None or {"schedule", "cron", "active"} & set(changed):
        source.next_run_at = next_run_after(source, timezone.now()) if source.active else None
    source.save()
    record_audit(AuditEntry.Action.HARVEST_SOURCE_SAVED, actor=user, organization=source.organization,
                 detail={"source": source.pk, "name": source.name, "created": instance is None,
                         "changed": changed})
    return source
