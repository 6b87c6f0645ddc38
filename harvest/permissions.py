"""Who may manage a harvest source: platform staff, or an admin of the organization it harvests into.

A source that maps publishers to organizations (no target organization) creates organizations,
so only staff may keep one.
"""
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.refusals import not_platform_staff
from organizations.roles import is_organization_admin, is_platform_staff


def may_manage_harvests_of(user, organization):
    """Whether `user` may keep sources harvesting into `organization` (None: publishers mapped by name)."""
    if is_platform_staff(user):
        return True
    return (organization is not None and organization.kind == Organization.Kind.GOVERNMENT
            and is_organization_admin(user, organization))


def may_manage_source(user, source):
    return may_manage_harvests_of(user, source.organization)


def ensure_may_manage_source(user, source):
    if not may_manage_source(user, source):
        raise not_platform_staff(_("只有平台管理员或目标组织的管理员可以管理此采集来源。"))
