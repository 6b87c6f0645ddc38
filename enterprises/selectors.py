"""Reused enterprise queries; what a caller may list is decided here, once."""
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from organizations.models import Membership, Organization
from organizations.roles import ENTERPRISE_ROLES, is_platform_staff

from .models import EnterpriseProfile
from .services import enterprises_of


def enterprise_profiles_for(user):
    """Platform staff see every enterprise; anyone else only the ones they belong to."""
    profiles = EnterpriseProfile.objects.select_related("organization").order_by("-created", "-pk")
    if is_platform_staff(user):
        return profiles
    return profiles.filter(organization__in=enterprises_of(user))


def enterprise_by_slug(slug):
    """Any enterprise by its organization slug (404 if none); who may use it is enterprises.permissions' call."""
    return get_object_or_404(
        EnterpriseProfile.objects.select_related("organization"),
        organization__slug=slug, organization__kind=Organization.Kind.ENTERPRISE,
    )


def members_of(organization):
    return (Membership.objects.filter(organization=organization, role__in=ENTERPRISE_ROLES)
            .select_related("user").order_by("user__username", "role"))


def account_by_name_or_email(identifier):
    """The account with this username, or with this verified email address; None if there is none."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = get_user_model().objects.filter(username=identifier).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=identifier, verified=True).select_related("user").first()
        user = address.user if address else None
    return user


def has_verified_email(user, email):
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
