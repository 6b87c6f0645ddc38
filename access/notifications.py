"""E-mails at each step of an access application, sent once the step's transaction commits.

Reviewers hear of new applications; the applicant (and the enterprise's
contact address) hears of decisions, revocations and coming expiries.
"""
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from organizations.models import Membership

logger = logging.getLogger(__name__)


def _link(name, *args):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(template, recipients, context):
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    subject = " ".join(render_to_string(f"access/email/{template}_subject.txt", context).split())
    body = render_to_string(f"access/email/{template}_body.txt", context)

    def deliver():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail server outage must not undo a decision already stored
            logger.exception("Could not send the %s e-mail", template)

    transaction.on_commit(deliver)


def _reviewers(dataset):
    return Membership.objects.filter(
        organization_id=dataset.organization_id, role=Membership.Role.REVIEWER
    ).values_list("user__email", flat=True)


def _enterprise_side(application):
    profile = getattr(application.enterprise, "enterprise_profile", None)
    return [application.applicant.email if application.applicant else "",
            profile.contact_email if profile else ""]


def application_submitted(application):
    _send("submitted", _reviewers(application.dataset), {
        "application": application, "link": _link("access-application-detail", application.pk),
    })


def application_approved(grant):
    _send("approved", _enterprise_side(grant.application), {
        "application": grant.application, "grant": grant, "link": _link("access-mine"),
    })


def application_rejected(application):
    _send("rejected", _enterprise_side(application), {
        "application": application, "link": _link("access-application-detail", application.pk),
    })


def grant_revoked(grant):
    _send("revoked", _enterprise_side(grant.application), {
        "application": grant.application, "grant": grant, "link": _link("access-mine"),
    })


def grant_expiring(grant):
    _send("expiring", _enterprise_side(grant.application), {
        "application": grant.application, "grant": grant,
        "link": _link("access-grant-renew", grant.pk),
    })
