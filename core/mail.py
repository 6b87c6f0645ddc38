"""Templated e-mails: a subject and a body template, rendered for the recipients that have an address.

Most steps mail after their transaction commits (`send_after_commit`): nobody
hears of a decision that was rolled back, and a mail server outage is logged
rather than undoing what was stored. `send_now` is for steps whose caller has
already committed and wants a failure to surface.
"""
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def absolute_link(name, *args):
    """A link for an e-mail written outside any request (PORTAL_BASE_URL + the named URL)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _compose(subject_template, body_template, recipients, context):
    """(subject, body, recipients), or None when no recipient has an address."""
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return None
    subject = " ".join(render_to_string(subject_template, context).split())
    return subject, render_to_string(body_template, context), recipients


def send_now(subject_template, body_template, recipients, context):
    composed = _compose(subject_template, body_template, recipients, context)
    if composed:
        subject, body, recipients = composed
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def send_after_commit(subject_template, body_template, recipients, context):
    composed = _compose(subject_template, body_template, recipients, context)
    if not composed:
        return
    subject, body, recipients = composed

    def deliver():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail server outage must not undo a decision already stored
            logger.exception("Could not send the %s e-mail", subject_template)

    transaction.on_commit(deliver)
