"""API key rules: who may hold which key, issuing, revoking, rotating.

- An enterprise key is issued by a member (any role) of a *verified*
  enterprise (enterprises.services.acting_enterprise) and acts for the
  enterprise; it gets the enterprise default plan and may hold any scope.
- An individual key (no organization) is the lower tier: the individual
  default plan and `catalog:read` only, since conditional data is granted to
  enterprises and contributions are made by them.
- A key is revoked or rotated by the person who issued it, an admin of its
  enterprise, or platform staff. Rotation issues a new key with the same
  settings; the old one keeps working until its grace period ends.
- Plans are assigned by platform admins (Django admin), not chosen by holders.
"""
import ipaddress
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from enterprises.services import acting_enterprise, enterprises_of
from organizations.roles import is_enterprise_admin, is_platform_staff

from . import secrets
from .key_audit import record_key_event
from .models import ApiKey, Plan, Scope

INDIVIDUAL_SCOPES = (Scope.CATALOG_READ,)
MAX_NETWORKS = 20
MAX_GRACE_HOURS = 7 * 24
DEFAULT_GRACE_HOURS = 24


# --- who sees and manages which key ---------------------------------------------

def keys_for(user):
    """The keys `user` sees as theirs: their individual keys and their enterprises' keys."""
    if not (user and user.is_authenticated):
        return ApiKey.objects.none()
    return ApiKey.objects.filter(
        Q(organization__isnull=True, user=user) | Q(organization__in=enterprises_of(user))
    ).select_related("plan", "organization", "user")


def can_manage(user, key):
    if is_platform_staff(user) or key.user_id == user.pk:
        return True
    return key.organization_id is not None and is_enterprise_admin(user, key.organization)


def _managed(user, key):
    if not can_manage(user, key):
        raise PermissionDenied(_("只有签发人、企业管理员或平台管理员可以管理此密钥。"))


# --- validation -----------------------------------------------------------------------

def _clean_scopes(scopes, allowed, errors):
    scopes = list(dict.fromkeys(scopes or []))
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes:
        errors["scopes"] = [_("请至少选择一个权限范围。")]
    elif unknown:
        errors["scopes"] = [_("未知的权限范围：%(scopes)s。") % {"scopes": ", ".join(map(str, unknown))}]
    elif not set(scopes) <= set(allowed):
        errors["scopes"] = [_("个人密钥只能使用 %(scopes)s；其他权限范围需以已认证企业的身份申请。")
                            % {"scopes": ", ".join(allowed)}]
    return scopes


def _clean_networks(networks, errors):
    cleaned = []
    for value in networks or []:
        try:
            cleaned.append(str(ipaddress.ip_network(str(value).strip(), strict=False)))
        except ValueError:
            errors["allowed_networks"] = [_("无效的 IP 地址或网段：%(value)s。") % {"value": value}]
            return []
    if len(cleaned) > MAX_NETWORKS:
        errors["allowed_networks"] = [_("最多 %(n)d 个 IP 网段。") % {"n": MAX_NETWORKS}]
    return list(dict.fromkeys(cleaned))


def _default_plan(for_enterprise):
    field = "is_default_for_enterprises" if for_enterprise else "is_default_for_individuals"
    plan = Plan.objects.filter(**{field: True}).first()
    if plan is None:
        raise Conflict(_("平台尚未配置默认套餐，请联系平台管理员。"), field="plan")
    return plan


# --- operations ------------------------------------------------------------------------

def _new_key(**fields):
    generated = secrets.generate()
    key = ApiKey.objects.create(prefix=generated.prefix, salt=generated.salt,
                                secret_hash=generated.secret_hash, **fields)
    return key, generated.token


@transaction.atomic
def issue_key(*, user, name, scopes, organization=None, expires_at=None, allowed_networks=()):
    """Create a key; returns (key, token). The token is never stored and cannot be shown again."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("请先登录。"))
    if organization is not None:
        acting_enterprise(user, organization)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("此字段为必填项。")]
    elif len(name) > 100:
        errors["name"] = [_("最多 %(n)d 个字符。") % {"n": 100}]
    scopes = _clean_scopes(scopes, Scope.values if organization else INDIVIDUAL_SCOPES, errors)
    networks = _clean_networks(allowed_networks, errors)
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("过期时间必须晚于现在。")]
    if errors:
        raise ValidationError(errors)
    key, token = _new_key(name=name, user=user, organization=organization,
                          plan=_default_plan(organization is not None), scopes=scopes, allowed_networks=networks,
                          expires_at=expires_at)
    record_key_event("issued", key=key, user=user)
    return key, token


@transaction.atomic
def revoke_key(*, user, key):
    _managed(user, key)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise Conflict(_("该密钥已被吊销。"), field="key")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    record_key_event("revoked", key=key, user=user)
    return key


@transaction.atomic
def rotate_key(*, user, key, grace_hours=DEFAULT_GRACE_HOURS):
    """A new key with the same settings; the old one works for `grace_hours` more. Returns (new key, token)."""
    _managed(user, key)
    try:
        grace_hours = int(grace_hours)
    except (TypeError, ValueError):
        grace_hours = -1
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise ValidationError({"grace_hours": _("宽限期应为 0 到 %(n)d 小时。") % {"n": MAX_GRACE_HOURS}})
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.replaced_by_id is not None:
        raise Conflict(_("该密钥已轮换过。"), field="key")
    if not key.is_active:
        raise Conflict(_("该密钥已失效（%(status)s），无法轮换。") % {"status": key.status_label},
                       field="key")
    new_key, token = _new_key(name=key.name, user=key.user, organization=key.organization, plan=key.plan,
                              scopes=key.scopes, allowed_networks=key.allowed_networks, expires_at=key.expires_at)
    key.grace_until = timezone.now() + timedelta(hours=grace_hours)
    key.replaced_by = new_key
    key.save(update_fields=["grace_until", "replaced_by"])
    record_key_event("rotated", key=new_key, user=user, replaced=key)
    return new_key, token
