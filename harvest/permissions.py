"""Who may manage a harvest source: platform staff, or an admin of the organization it harvests into.

A source that maps publishers to organizations (no target organization) creates organizations,
so only staff may keep one.
"""
from django.utils.translation import gettext as _

from organizations.models import Membership, Organization
from organizations.refusals import not_platform_staff
from organizations.roles import is_authenticated, is_platform_staff


def manageable_organizations(user):
    """The departments `user` may keep sources harvesting into: every one for staff, else those they admin."""
    governments = Organization.objects.filter(kind=Organization.Kind.GOVERNMENT)
    if is_platform_staff(user):
        return governments
    if not is_authenticated(user):
        return governments.none()
    return governments.filter(pk__in=Membership.objects.filter(user=user, role=Membership.Role.ADMIN)
                              .values("organization_id"))


def may_manage_harvests_of(user, organization):
    """Whether `user` may keep sources harvesting into `organization` (None: publishers mapped by name)."""
    if is_platform_staff(user):
        return True
    return organization is not None and manageable_organizations(user).filter(pk=organization.pk).exists()


def may_manage_any_harvest(user):
    """Whether to offer the harvesting pages at all: staff, or an admin of a government department."""
    return is_platform_staff(user) or manageable_organizations(user).exists()


def may_manage_source(user, source):
    return may_manage_harvests_of(user, source.organization)


def ensure_may_manage_source(user, source):
    if not may_manage_source(user, source):
        raise not_platform_staff(_("只有平台管理员或目标组织的管理员可以管理此采集来源。"))
