"""Invitations by email for people without an account yet: a signed, expiring token.

Nothing is stored: the token carries the enterprise, the invited address, the
role and the inviter, signed with SECRET_KEY. Accepting re-checks, at that
moment, that the inviter still manages the enterprise (via the service).
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from organizations import services as organization_services
from organizations.models import Organization

from .selectors import has_verified_email

SALT = "enterprises.invitation"


def make_token(*, inviter, organization, email, role):
    return signing.dumps({"o": organization.pk, "e": email.lower(), "r": role, "i": inviter.pk}, salt=SALT)


def read_token(token):
    """(organization, email, role, inviter) from a token, or a ValidationError on `token`."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.ENTERPRISE_INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"token": _("邀请链接已过期，请联系企业管理员重新邀请。")}) from None
    except signing.BadSignature:
        raise ValidationError({"token": _("邀请链接无效。")}) from None
    organization = Organization.objects.filter(pk=data["o"], kind=Organization.Kind.ENTERPRISE).first()
    inviter = get_user_model().objects.filter(pk=data["i"]).first()
    if organization is None or inviter is None:
        raise ValidationError({"token": _("邀请链接无效。")})
    return organization, data["e"], data["r"], inviter


def accept(*, user, token):
    """The signed-in invitee joins, if the invited address is one of their verified emails."""
    organization, email, role, inviter = read_token(token)
    if not has_verified_email(user, email):
        raise PermissionDenied(_("该邀请发给 %(email)s，请使用已验证该邮箱的账号接受。") % {"email": email})
    return organization_services.add_member(user=inviter, organization=organization, member=user, role=role)
