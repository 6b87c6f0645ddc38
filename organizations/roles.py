"""Every role predicate of the platform, by name: who is staff, a member, a publisher, a reviewer, an admin.

A role is a `Membership` row; platform staff (`is_staff`) stand above every organization.
API-key requests narrow their principal to the key's enterprise with `restrict_principal_to`.
"""
from .models import Membership, Organization

_MEMBER_IDS = "_member_organization_ids"
# The roles an enterprise gives; government departments have publishers, reviewers and admins.
ENTERPRISE_ROLES = (Membership.Role.ADMIN, Membership.Role.MEMBER)


def is_authenticated(user):
    return bool(user and user.is_authenticated)


def is_platform_staff(user):
    return is_authenticated(user) and user.is_staff


def member_organization_ids(user):
    """Ids of the organizations the user belongs to, in any role (cached per user object)."""
    if not is_authenticated(user):
        return frozenset()
    cached = getattr(user, _MEMBER_IDS, None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("organization_id", flat=True))
        setattr(user, _MEMBER_IDS, cached)
    return cached


def restrict_principal_to(user, organization_ids):
    """Make `user` count as a member of these organizations only (an API key's principal acts for one)."""
    setattr(user, _MEMBER_IDS, frozenset(organization_ids))


def holds_role(user, organization, role):
    return is_authenticated(user) and Membership.objects.filter(
        user=user, organization=organization, role=role).exists()


def is_publisher(user, organization):
    """Staff, or a publisher of this government organization."""
    if is_platform_staff(user):
        return True
    return organization.kind == Organization.Kind.GOVERNMENT and holds_role(
        user, organization, Membership.Role.PUBLISHER)


def published_organizations(user):
    """The government organizations in which `user` may publish."""
    governments = Organization.objects.filter(kind=Organization.Kind.GOVERNMENT)
    if is_platform_staff(user):
        return governments
    if not is_authenticated(user):
        return Organization.objects.none()
    return governments.filter(memberships__user=user, memberships__role=Membership.Role.PUBLISHER).distinct()


def publisher_emails(organization):
    """The addresses of this government organization's active publishers (whom its to-do mail reaches)."""
    if organization.kind != Organization.Kind.GOVERNMENT:
        return []
    return list(Membership.objects.filter(
        organization=organization, role=Membership.Role.PUBLISHER, user__is_active=True,
    ).exclude(user__email="").values_list("user__email", flat=True).order_by("user__email"))


def reviewed_organization_ids(user):
    """Government departments in which `user` reviews access applications and contributions."""
    if not is_authenticated(user):
        return frozenset()
    return frozenset(Membership.objects.filter(
        user=user, role=Membership.Role.REVIEWER, organization__kind=Organization.Kind.GOVERNMENT,
    ).values_list("organization_id", flat=True))


def is_reviewer(user, organization):
    return organization.pk in reviewed_organization_ids(user)


def is_organization_admin(user, organization):
    return holds_role(user, organization, Membership.Role.ADMIN)


def is_enterprise_admin(user, organization):
    return organization.kind == Organization.Kind.ENTERPRISE and is_organization_admin(user, organization)


def may_manage_members(user, organization):
    return is_platform_staff(user) or is_organization_admin(user, organization)
