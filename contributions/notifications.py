"""E-mails about contributions, sent once the step's transaction commits.

Reviewers hear of contributions waiting for them; the contributor (and the
enterprise's contact address) hears of validation results and decisions.
"""
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from organizations.models import Membership

logger = logging.getLogger(__name__)


def _send(event, recipients, contribution, **extra):
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("contribution-detail", args=[contribution.pk])
    context = {"event": event, "contribution": contribution, "link": link, **extra}
    subject = " ".join(render_to_string("contributions/email/subject.txt", context).split())
    body = render_to_string("contributions/email/body.txt", context)

    def deliver():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail outage must not undo a stored decision
            logger.exception("Could not send the contribution %s e-mail", event)

    transaction.on_commit(deliver)


def _reviewers(contribution):
    return Membership.objects.filter(organization_id=contribution.target_organization_id,
                                     role=Membership.Role.REVIEWER).values_list("user__email", flat=True)


def _contributor(contribution):
    profile = getattr(contribution.enterprise, "enterprise_profile", None)
    return [contribution.submitted_by.email if contribution.submitted_by else "",
            profile.contact_email if profile else ""]


def submitted(contribution):
    _send("submitted", _reviewers(contribution), contribution)


def needs_changes(contribution):
    _send("needs_changes", _contributor(contribution), contribution)


def decided(contribution):
    _send(contribution.status, _contributor(contribution), contribution)


def commented(contribution, comment):
    others = [*_contributor(contribution), *_reviewers(contribution)]
    author = comment.author.email if comment.author else ""
    _send("comment", [address for address in others if address != author], contribution, comment=comment)
