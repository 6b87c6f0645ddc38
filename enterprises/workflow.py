"""Each enterprise step as pages, the API and the admin perform it: the service call, then its email.

The rules stay in enterprises.services; this only adds the notification, so
no entry point can forget it.
"""
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from organizations import services as organization_services
from organizations.models import Membership
from organizations.roles import ENTERPRISE_ROLES

from . import emails, invitations, services
from .permissions import ensure_can_manage
from .selectors import account_by_name_or_email


def register(request, **data):
    profile = services.register_enterprise(user=request.user, **data)
    emails.registration_received(request, profile)
    return profile


def verify(request, profile):
    profile = services.verify_enterprise(user=request.user, profile=profile)
    emails.decision(request, profile)
    return profile


def reject(request, profile, reason):
    profile = services.reject_enterprise(user=request.user, profile=profile, reason=reason)
    emails.decision(request, profile)
    return profile


def add_member(request, organization, identifier, role=Membership.Role.MEMBER):
    """Add an existing account (username or verified email); invite an email with no account.

    Returns (membership, None) or (None, invited email address).
    """
    member = account_by_name_or_email(identifier)
    if member is not None:
        return organization_services.add_member(user=request.user, organization=organization, member=member, role=role), None
    email = (identifier or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"user": _("找不到用户“%(user)s”；如需邀请尚未注册的人，请填写其邮箱。")
                                       % {"user": email}}) from None
    if role not in ENTERPRISE_ROLES:
        raise ValidationError({"role": _("无效的角色：%(role)s。") % {"role": role}})
    ensure_can_manage(request.user, organization)
    token = invitations.make_token(inviter=request.user, organization=organization, email=email, role=role)
    emails.invitation(request, inviter=request.user, organization=organization, email=email, token=token)
    return None, email
