"""Who may publish: staff, or the publishers of a government organization."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..grading import is_platform_staff
from ..models import Membership, Organization


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
