"""Writing organizations and their memberships: the one place to add or remove a member.

Every entry point (admin, pages, API, enterprise workflow) calls these with the acting user;
the catalog records the history it keeps by listening to `signals` (datasets.apps).
"""
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from . import roles, signals
from .models import Membership, Organization

ORGANIZATION_FIELDS = (
    "slug", "kind", "name_zh", "name_en", "description", "description_en", "contact_email", "contact_phone", "website",
)


def roles_of_kind(kind):
    """The roles an organization of this kind gives: an enterprise has admins and members only."""
    return roles.ENTERPRISE_ROLES if kind == Organization.Kind.ENTERPRISE else tuple(Membership.Role)


def _comparable(name):
    """A name as people read it: compatibility forms folded (NFKC), case folded, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def ensure_enterprise_name_is_its_own(name_zh, name_en, exclude=None):
    """An enterprise may not take a government organization's name (Chinese or English), however spaced or cased."""
    governments = Organization.objects.filter(kind=Organization.Kind.GOVERNMENT)
    if exclude is not None and exclude.pk:
        governments = governments.exclude(pk=exclude.pk)
    taken = {_comparable(name): government
             for government in governments for name in (government.name_zh, government.name_en) if name}
    errors = {field: [_("该名称与政府部门“%(name)s”相同，企业不能使用。") % {"name": taken[_comparable(value)].name}]
              for field, value in (("name_zh", name_zh), ("name_en", name_en))
              if value and _comparable(value) in taken}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_organization(*, user, data, organization=None):
    """Create or update an organization (platform staff only)."""
    if not roles.is_platform_staff(user):
        raise PermissionDenied(_("只有平台管理员可以管理组织。"))
    unknown = set(data) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
    target = organization or Organization()
    before = {field: getattr(target, field) for field in data}
    for field, value in data.items():
        setattr(target, field, value)
    if target.kind == Organization.Kind.ENTERPRISE and {"kind", "name_zh", "name_en"} & set(data):
        ensure_enterprise_name_is_its_own(target.name_zh, target.name_en, exclude=target)
    try:
        target.full_clean()
    except ValidationError as error:
        if "slug" in error.message_dict and Organization.objects.filter(slug=target.slug).exclude(pk=target.pk).exists():
            raise Conflict(_("组织标识 %(slug)s 已被使用。") % {"slug": target.slug}, field="slug") from None
        raise
    target.save()
    changes = {} if organization is None else {
        field: [before[field], getattr(target, field)] for field in data if before[field] != getattr(target, field)}
    if organization is None or changes:
        signals.organization_saved.send(sender=Organization, actor=user, organization=target,
                                        created=organization is None, changes=changes)
    return target


def _ensure_may_manage(user, organization):
    if roles.may_manage_members(user, organization):
        return
    if organization.kind == Organization.Kind.ENTERPRISE:
        raise PermissionDenied(_("只有企业管理员可以管理成员。"))
    raise PermissionDenied(_("只有平台管理员或组织管理员可以管理成员。"))


@transaction.atomic
def add_member(*, user, organization, member, role):
    """Give `member` a role in the organization (staff or its admins only)."""
    if role not in roles_of_kind(organization.kind):
        raise ValidationError({"role": _("无效的角色：%(role)s。") % {"role": role}})
    _ensure_may_manage(user, organization)
    membership, created = Membership.objects.get_or_create(user=member, organization=organization, role=role)
    if created:
        signals.membership_changed.send(sender=Membership, actor=user, organization=organization,
                                        change=[None, f"{member.username}:{role}"])
    return membership


@transaction.atomic
def remove_member(*, user, organization, member):
    """Take every role of `member` in the organization; an organization keeps at least one admin."""
    _ensure_may_manage(user, organization)
    memberships = Membership.objects.select_for_update().filter(user=member, organization=organization)
    removed = list(memberships.values_list("role", flat=True))
    admins_left = Membership.objects.filter(organization=organization, role=Membership.Role.ADMIN).exclude(user=member)
    if Membership.Role.ADMIN in removed and not admins_left.exists():
        raise Conflict(_("企业至少需要保留一名管理员。"), field="member")
    memberships.delete()
    if removed:
        signals.membership_changed.send(sender=Membership, actor=user, organization=organization,
                                        change=[f"{member.username}:{','.join(removed)}", None])
