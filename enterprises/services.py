"""Enterprise rules: registration and verification by platform admins (members: organizations.services).

Other apps ask `is_verified_enterprise`/`acting_enterprise` here rather than
reading EnterpriseProfile themselves, so "who may act for an enterprise" is
decided in one place.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import record_audit
from core.exceptions import Conflict, Forbidden
from datasets.models import Activity
from datasets.services.history import record_activity
from organizations import services as organization_services
from organizations.models import Membership, Organization
from organizations.roles import ENTERPRISE_ROLES, is_platform_staff

from .credit_code import validate_credit_code
from .licences import check_business_licence
from .models import EnterpriseProfile


def is_verified_enterprise(organization):
    profile = getattr(organization, "enterprise_profile", None)
    return organization.kind == Organization.Kind.ENTERPRISE and profile is not None and profile.is_verified


def enterprises_of(user):
    """The enterprises `user` belongs to, in any role."""
    if not (user and user.is_authenticated):
        return Organization.objects.none()
    return Organization.objects.filter(
        kind=Organization.Kind.ENTERPRISE, memberships__user=user, memberships__role__in=ENTERPRISE_ROLES
    ).distinct()


def acting_enterprise(user, organization):
    """Check that `user` may act for `organization` as a verified enterprise; return it."""
    if organization.kind != Organization.Kind.ENTERPRISE or not enterprises_of(user).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("您不是该企业的成员。"))
    if not is_verified_enterprise(organization):
        raise Forbidden(_("企业尚未通过认证。"), hint=_("平台管理员认证通过后，企业成员才能申请数据、签发密钥和提交贡献。"),
                        actions=[(_("查看我的企业的认证状态"), "enterprise-mine")])
    return organization


def not_a_verified_member(user, message):
    """The 403 for what only members of a verified enterprise may do, with the way to become one."""
    if enterprises_of(user).exists():
        return Forbidden(message, hint=_("您所在的企业还没有通过平台认证；认证通过后即可使用此功能。"),
                         actions=[(_("查看我的企业的认证状态"), "enterprise-mine")])
    return Forbidden(message, hint=_("请先登记您的企业并等待平台管理员认证，或请企业管理员邀请您加入企业。"),
                     actions=[(_("登记企业"), "enterprise-register")])


def _unique_slug(name, credit_code):
    base = slugify(name) or "enterprise"
    return f"{base[:60]}-{credit_code[-6:].lower()}"


@transaction.atomic
def register_enterprise(*, user, name_zh, credit_code, legal_representative, contact_name, contact_email,
                        name_en="", contact_phone="", business_licence=None):
    """A signed-in user registers an enterprise; it waits for a platform admin's verification."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("请先登录。"))
    errors = {}
    try:
        credit_code = validate_credit_code(credit_code)
    except ValidationError as error:
        errors.update(error.message_dict)
    for field, value, limit in (("name_zh", name_zh, 200), ("legal_representative", legal_representative, 100),
                                ("contact_name", contact_name, 100)):
        if not (value or "").strip():
            errors[field] = [_("此字段为必填项。")]
        elif len(value) > limit:
            errors[field] = [_("最多 %(n)d 个字符。") % {"n": limit}]
    if business_licence is not None:
        try:
            check_business_licence(business_licence)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        organization_services.ensure_enterprise_name_is_its_own(name_zh, name_en)
    except ValidationError as error:
        errors.update({field: messages for field, messages in error.message_dict.items() if field not in errors})
    if errors:
        raise ValidationError(errors)
    if EnterpriseProfile.objects.filter(credit_code=credit_code).exists():
        raise Conflict(_("该统一社会信用代码已注册。"), field="credit_code")
    organization = Organization(
        slug=_unique_slug(name_en or name_zh, credit_code), kind=Organization.Kind.ENTERPRISE,
        name_zh=name_zh.strip(), name_en=(name_en or "").strip(), contact_email=contact_email,
        contact_phone=contact_phone,
    )
    profile = EnterpriseProfile(
        credit_code=credit_code, legal_representative=legal_representative.strip(),
        contact_name=contact_name.strip(), contact_email=contact_email, contact_phone=contact_phone,
        registered_by=user,
    )
    try:
        organization.full_clean()
        profile.full_clean(exclude=["organization"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    try:
        with transaction.atomic():
            organization.save()
            profile.organization = organization
            if business_licence is not None:
                profile.business_licence.save(business_licence.name, business_licence, save=False)
            profile.save()
    except IntegrityError:
        raise Conflict(_("该统一社会信用代码已注册。"), field="credit_code") from None
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN)
    record_activity(user, Activity.Action.CREATED, organization=organization)
    return profile


def _decide(user, profile, status, reason=""):
    if not is_platform_staff(user):
        raise PermissionDenied(_("只有平台管理员可以审核企业。"))
    profile = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status != EnterpriseProfile.Status.PENDING:
        raise Conflict(_("该企业已审核（%(status)s）。") % {"status": profile.get_status_display()}, field="status")
    previous = profile.status
    profile.status, profile.rejection_reason = status, reason
    profile.decided_by, profile.decided_at = user, timezone.now()
    profile.save()
    record_activity(user, Activity.Action.UPDATED, organization=profile.organization,
                    changes={"verification": [previous, status]})
    action = (AuditEntry.Action.ENTERPRISE_VERIFIED if status == EnterpriseProfile.Status.VERIFIED
              else AuditEntry.Action.ENTERPRISE_REJECTED)
    record_audit(action, actor=user, organization=profile.organization, detail={"reason": reason} if reason else None)
    return profile


@transaction.atomic
def verify_enterprise(*, user, profile):
    return _decide(user, profile, EnterpriseProfile.Status.VERIFIED)


@transaction.atomic
def reject_enterprise(*, user, profile, reason):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("驳回时必须说明理由。")})
    return _decide(user, profile, EnterpriseProfile.Status.REJECTED, reason.strip())
