"""The rules of access to conditional data.

An enterprise applies for one conditional dataset; a reviewer of the owning
department approves (a Grant with terms and an expiry) or rejects (with a
reason); a grant can be revoked; before applying again (a renewal) the
enterprise reports what it built with the data. Each step is one transaction
that also writes its AuditEntry, and mails the people concerned once it commits.

Refusals: ValidationError (400, per field), PermissionDenied (403), Http404,
Conflict (409) for a state that forbids the step. A refused step changes nothing.
"""
import datetime
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import record_audit
from core.exceptions import Conflict
from datasets import grading
from datasets.models import Resource
from enterprises.models import EnterpriseProfile
from enterprises.services import acting_enterprise, enterprises_of
from organizations import roles
from organizations.refusals import not_a_reviewer

from . import notifications, selectors
from .models import AccessApplication, Grant, UsageReport

# The longest use a single application may ask for.
MAX_PERIOD_DAYS = 366
EXPIRY_NOTICE_DAYS = 7
TEXT_LIMITS = {"purpose": 2000, "intended_use": 2000, "data_fields": 2000, "terms": 5000, "reason": 2000,
               "title": 200, "description": 5000}


class UsageReportRequired(Conflict):
    """An enterprise that held a grant reports its use before it may apply again."""

    code = "usage_report_required"


# --- checks shared by the steps -------------------------------------------------

def _required_text(errors, data, field):
    value = (data.get(field) or "").strip()
    limit = TEXT_LIMITS[field]
    if not value:
        errors[field] = [_("此字段为必填项。")]
    elif len(value) > limit:
        errors[field] = [_("最多 %(n)d 个字符。") % {"n": limit}]
    return value


def _optional_text(errors, data, field):
    value = (data.get(field) or "").strip()
    if len(value) > TEXT_LIMITS[field]:
        errors[field] = [_("最多 %(n)d 个字符。") % {"n": TEXT_LIMITS[field]}]
    return value


def _date(errors, data, field):
    value = data.get(field)
    if value in (None, ""):
        errors[field] = [_("此字段为必填项。")]
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("日期格式应为 YYYY-MM-DD。")]
        return None


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _locked(model, pk):
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise Http404("Gone") from None


def _ensure_reviewer(user, dataset):
    if not roles.is_reviewer(user, dataset.organization):
        raise not_a_reviewer(_("只有数据提供部门的审核者可以审核该申请。"))


# --- applying -------------------------------------------------------------------

def _application_fields(dataset, data):
    """Checked application fields, or ValidationError naming each bad one."""
    errors = {}
    fields = {
        "purpose": _required_text(errors, data, "purpose"),
        "intended_use": _required_text(errors, data, "intended_use"),
        "data_fields": _optional_text(errors, data, "data_fields"),
        "period_start": _date(errors, data, "period_start"),
        "period_end": _date(errors, data, "period_end"),
    }
    start, end = fields["period_start"], fields["period_end"]
    if start and end:
        if end < start:
            errors["period_end"] = [_("使用期限止不能早于起始日期。")]
        elif end < timezone.localdate():
            errors["period_end"] = [_("使用期限已经结束。")]
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors["period_end"] = [_("单次申请的使用期限最长 %(n)d 天。") % {"n": MAX_PERIOD_DAYS}]
    if data.get("terms_accepted") is not True:
        errors["terms_accepted"] = [_("须接受数据集的使用条款。")]
    resource_ids = [getattr(item, "pk", item) for item in data.get("resources") or []]
    resources = list(Resource.objects.filter(dataset=dataset, pk__in=resource_ids))
    if len(resources) != len(set(resource_ids)):
        errors["resources"] = [_("所选资源不属于该数据集。")]
    if errors:
        raise ValidationError(errors)
    return fields, resources


def _ensure_applicable(user, dataset):
    # A dataset the user may not see does not exist for them, whatever its grade.
    if not grading.Viewer(user).can_view(dataset):
        raise Http404("No such dataset")
    if not grading.needs_application(dataset):
        raise ValidationError({"dataset": [_("只有已发布的有条件开放数据集需要申请。")]})


def _ensure_reported(enterprise, dataset):
    previous = selectors.latest_grant(enterprise, dataset)
    if previous is not None and not previous.usage_reports.exists():
        raise UsageReportRequired(
            _("续期前请先提交上一次授权的使用成果报告。"), field="usage_report"
        )
    return previous


def apply(*, user, enterprise, dataset, data):
    """Submit an application; `data` holds the application fields (resources as ids or objects)."""
    acting_enterprise(user, enterprise)
    _ensure_applicable(user, dataset)
    fields, resources = _application_fields(dataset, data)
    try:
        with transaction.atomic():
            if AccessApplication.objects.filter(
                enterprise=enterprise, dataset=dataset, status=AccessApplication.Status.SUBMITTED
            ).exists():
                raise Conflict(_("该企业已有一份待审核的申请。"), field="dataset")
            previous = _ensure_reported(enterprise, dataset)
            application = AccessApplication.objects.create(
                enterprise=enterprise, dataset=dataset, applicant=user, terms_accepted=True,
                renewal_of=previous, **fields,
            )
            application.resources.set(resources)
            record_audit(AuditEntry.Action.APPLICATION_SUBMITTED, actor=user, organization=enterprise, dataset=dataset,
                         detail={"application": application.pk, "renewal_of": previous.pk if previous else None})
    except IntegrityError:
        # A concurrent submission won the race for the one open application.
        raise Conflict(_("该企业已有一份待审核的申请。"), field="dataset") from None
    notifications.application_submitted(application)
    return application


def renew(*, user, grant, data):
    """Apply again for a granted dataset; the earlier application's answers are the defaults."""
    acting_enterprise(user, grant.enterprise)
    if not grant.usage_reports.exists():
        raise UsageReportRequired(_("续期前请先提交上一次授权的使用成果报告。"), field="usage_report")
    previous = grant.application
    defaults = {
        "purpose": previous.purpose, "intended_use": previous.intended_use,
        "data_fields": previous.data_fields, "resources": list(previous.resources.values_list("pk", flat=True)),
    }
    return apply(user=user, enterprise=grant.enterprise, dataset=grant.dataset,
                 data={**defaults, **{k: v for k, v in data.items() if v not in (None, "")}})


@transaction.atomic
def withdraw(*, user, application):
    acting_enterprise(user, application.enterprise)
    application = _locked(AccessApplication, application.pk)
    if application.status != AccessApplication.Status.SUBMITTED:
        raise Conflict(_("只有待审核的申请可以撤回（当前：%(status)s）。")
                       % {"status": application.get_status_display()}, field="status")
    application.status = AccessApplication.Status.WITHDRAWN
    application.save(update_fields=["status", "modified"])
    record_audit(AuditEntry.Action.APPLICATION_WITHDRAWN, actor=user, organization=application.enterprise,
                 dataset=application.dataset, detail={"application": application.pk})
    return application


# --- deciding -------------------------------------------------------------------

def _decidable(user, application):
    """The application locked for a decision, or the refusal (403 / 409)."""
    _ensure_reviewer(user, application.dataset)
    application = _locked(AccessApplication, application.pk)
    if application.status != AccessApplication.Status.SUBMITTED:
        raise Conflict(_("该申请已不在待审核状态（当前：%(status)s）。")
                       % {"status": application.get_status_display()}, field="status")
    if application.period_end < timezone.localdate():
        raise Conflict(_("该申请的使用期限已过，已失效。"), field="status")
    return application


@transaction.atomic
def approve(*, user, application, terms, expires_on):
    """Approve: the enterprise's keys with data:read reach the data from the period's start until the end of `expires_on`."""
    errors = {}
    terms = _required_text(errors, {"terms": terms}, "terms")
    expires_on = _date(errors, {"expires_on": expires_on}, "expires_on")
    if expires_on and expires_on < timezone.localdate():
        errors["expires_on"] = [_("到期日期不能早于今天。")]
    application = _decidable(user, application)
    if expires_on and expires_on < application.period_start:
        errors["expires_on"] = [_("到期日期不能早于申请的使用期限起始日期。")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    application.status = AccessApplication.Status.APPROVED
    application.reviewer, application.decided_at = user, now
    application.save(update_fields=["status", "reviewer", "decided_at", "modified"])
    grant = Grant.objects.create(
        application=application, enterprise=application.enterprise, dataset=application.dataset, terms=terms,
        starts_at=max(now, _start_of(application.period_start)),
        expires_at=_start_of(expires_on + datetime.timedelta(days=1)), granted_by=user,
    )
    record_audit(AuditEntry.Action.GRANT_ISSUED, actor=user, organization=application.enterprise,
                 dataset=application.dataset, detail={"application": application.pk, "grant": grant.pk, "expires_at": grant.expires_at.isoformat()})
    notifications.application_approved(grant)
    return grant


@transaction.atomic
def reject(*, user, application, reason):
    errors = {}
    reason = _required_text(errors, {"reason": reason}, "reason")
    application = _decidable(user, application)
    if errors:
        raise ValidationError(errors)
    application.status = AccessApplication.Status.REJECTED
    application.reviewer, application.decided_at, application.decision_reason = user, timezone.now(), reason
    application.save(update_fields=["status", "reviewer", "decided_at", "decision_reason", "modified"])
    record_audit(AuditEntry.Action.APPLICATION_REJECTED, actor=user, organization=application.enterprise,
                 dataset=application.dataset, detail={"application": application.pk, "reason": reason})
    notifications.application_rejected(application)
    return application


@transaction.atomic
def revoke_grant(*, user, grant, reason):
    if not (roles.is_reviewer(user, grant.dataset.organization) or roles.is_platform_staff(user)):
        raise PermissionDenied(_("只有数据提供部门的审核者或平台管理员可以撤销授权。"))
    errors = {}
    reason = _required_text(errors, {"reason": reason}, "reason")
    if errors:
        raise ValidationError(errors)
    grant = _locked(Grant, grant.pk)
    if grant.revoked_at is not None:
        raise Conflict(_("该授权已被撤销。"), field="status")
    if grant.expires_at <= timezone.now():
        raise Conflict(_("该授权已经到期。"), field="status")
    grant.revoked_at, grant.revoked_by, grant.revocation_reason = timezone.now(), user, reason
    grant.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    record_audit(AuditEntry.Action.GRANT_REVOKED, actor=user, organization=grant.enterprise, dataset=grant.dataset,
                 detail={"grant": grant.pk, "reason": reason})
    notifications.grant_revoked(grant)
    return grant


# --- reporting use ------------------------------------------------------------

def _checked_url(errors, value):
    value = (value or "").strip()
    if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc or len(value) > 1000):
        errors["url"] = [_("请输入以 http:// 或 https:// 开头的有效网址。")]
    return value


@transaction.atomic
def file_usage_report(*, user, grant, data):
    """Report what was built with a grant's data; public reports show on the dataset page."""
    acting_enterprise(user, grant.enterprise)
    errors = {}
    title = _required_text(errors, data, "title")
    description = _required_text(errors, data, "description")
    url = _checked_url(errors, data.get("url"))
    if errors:
        raise ValidationError(errors)
    report = UsageReport.objects.create(
        grant=grant, enterprise=grant.enterprise, dataset=grant.dataset, author=user, title=title,
        description=description, url=url, is_public=data.get("is_public", True) is not False,
    )
    record_audit(AuditEntry.Action.USAGE_REPORT_FILED, actor=user, organization=grant.enterprise,
                 dataset=grant.dataset, detail={"grant": grant.pk, "report": report.pk})
    return report


def applicable_enterprises(user):
    """The verified enterprises `user` may apply for."""
    return enterprises_of(user).filter(enterprise_profile__status=EnterpriseProfile.Status.VERIFIED)


# --- time passing -------------------------------------------------------------

def expire(now=None):
    """Mark lapsed applications and grants, and warn of grants about to lapse; safe to run any number of times.

    Access itself never waits for this: selectors.active_grants compares times directly.
    """
    now = now or timezone.now()
    counts = {"applications": 0, "grants": 0, "notices": 0}
    lapsed = AccessApplication.objects.filter(
        status=AccessApplication.Status.SUBMITTED, period_end__lt=timezone.localdate(now)
    ).values_list("pk", flat=True)
    for pk in lapsed:
        with transaction.atomic():
            application = _locked(AccessApplication, pk)
            if application.status != AccessApplication.Status.SUBMITTED:
                continue
            application.status = AccessApplication.Status.EXPIRED
            application.save(update_fields=["status", "modified"])
            record_audit(AuditEntry.Action.APPLICATION_EXPIRED, organization=application.enterprise,
                         dataset=application.dataset, detail={"application": pk})
            counts["applications"] += 1
    for pk in Grant.objects.filter(expires_at__lte=now, expired_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            grant = _locked(Grant, pk)
            if grant.expired_at is not None:
                continue
            grant.expired_at = now
            grant.save(update_fields=["expired_at"])
            if grant.revoked_at is None:
                record_audit(AuditEntry.Action.GRANT_EXPIRED, organization=grant.enterprise, dataset=grant.dataset,
                             detail={"grant": pk})
                counts["grants"] += 1
    ending = selectors.active_grants(now).filter(
        expires_at__lte=now + datetime.timedelta(days=EXPIRY_NOTICE_DAYS), expiry_notice_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in ending:
        with transaction.atomic():
            grant = _locked(Grant, pk)
            if grant.expiry_notice_sent_at is not None:
                continue
            grant.expiry_notice_sent_at = now
            grant.save(update_fields=["expiry_notice_sent_at"])
            notifications.grant_expiring(grant)
            counts["notices"] += 1
    return counts
