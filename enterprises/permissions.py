"""Who may see and manage an enterprise: the rules and the DRF permission classes built on them.

Pages and the API both ask `can_view_enterprise` / `can_manage_enterprise`, so
a member of enterprise A acting for enterprise B is refused (403) the same way
everywhere. Services re-check the rule they own (enterprises.services).
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from organizations.roles import is_enterprise_admin, is_platform_staff

from .services import enterprises_of

# ViewSet actions that change an enterprise's membership.
MANAGE_ACTIONS = {"add_member", "remove_member"}


def can_view_enterprise(user, organization):
    return is_platform_staff(user) or enterprises_of(user).filter(pk=organization.pk).exists()


def can_manage_enterprise(user, organization):
    return is_platform_staff(user) or is_enterprise_admin(user, organization)


def ensure_can_view(user, organization):
    if not can_view_enterprise(user, organization):
        raise PermissionDenied(_("您不是该企业的成员。"))


def ensure_can_manage(user, organization):
    if not can_manage_enterprise(user, organization):
        raise PermissionDenied(_("只有企业管理员可以管理成员。"))


def ensure_platform_staff(user):
    if not is_platform_staff(user):
        raise PermissionDenied(_("只有平台管理员可以审核企业。"))


class IsPlatformStaff(BasePermission):
    """Reviewing enterprises is the platform admins' job; department reviewers are not platform staff."""

    message = gettext_lazy("只有平台管理员可以审核企业。")

    def has_permission(self, request, view):
        return is_platform_staff(request.user)


class EnterpriseAccess(BasePermission):
    """Members (and staff) may read their enterprise; only its admins (and staff) manage members."""

    def has_object_permission(self, request, view, profile):
        organization = profile.organization
        if view.action in MANAGE_ACTIONS:
            ensure_can_manage(request.user, organization)
        else:
            ensure_can_view(request.user, organization)
        return True
