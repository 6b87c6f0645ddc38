"""Emails about an enterprise: registration received, verified, rejected, invitation.

Sent in the language of the request that caused them, through Django's email
backend; subject and body are templates under templates/enterprises/email/.
"""
from django.urls import reverse

from core.mail import send_now


def _send(name, recipients, context):
    send_now(f"enterprises/email/{name}_subject.txt", f"enterprises/email/{name}.txt", recipients, context)


def _profile_recipients(profile):
    registrant = profile.registered_by
    return [profile.contact_email, registrant.email if registrant else ""]


def _dashboard_url(request, profile):
    return request.build_absolute_uri(reverse("enterprise-detail", args=[profile.organization.slug]))


def registration_received(request, profile):
    _send("registration_received", _profile_recipients(profile),
          {"profile": profile, "url": _dashboard_url(request, profile)})


def decision(request, profile):
    """The platform admin's decision: verified, or rejected with the reason."""
    name = "verified" if profile.is_verified else "rejected"
    _send(name, _profile_recipients(profile), {"profile": profile, "url": _dashboard_url(request, profile)})


def invitation(request, *, inviter, organization, email, token):
    url = request.build_absolute_uri(reverse("enterprise-invitation", args=[token]))
    _send("invitation", [email], {"inviter": inviter, "organization": organization, "url": url})
