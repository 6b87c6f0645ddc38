"""The daily timeliness digest: one e-mail per organization to its publishers, overdue datasets first.

Sent at most once a day per organization (TimelinessDigest, unique on organization and day): the row
is stored in the transaction whose commit sends the mail, so a second run, a retry or a second beat the
same day finds it and sends nothing. Users have no stored language, so the mail is in the portal's
default one (Chinese); its strings go through gettext like every page.
"""
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from core.localization import localized_text
from core.mail import absolute_link, send_after_commit
from datasets.models import Dataset
from organizations.models import Organization
from organizations.roles import publisher_emails

from ..models import TimelinessDigest
from ..timeliness import Timeliness, due_by_organization


def _entry(dataset):
    _state, due, last_update = dataset.timeliness
    return {"title": localized_text(dataset, "title").text, "identifier": dataset.identifier, "due": due,
            "last_update": last_update, "link": absolute_link("dataset-edit", dataset.identifier)}


def send_digest(organization, datasets, today):
    """Mail `datasets` (timeliness.due_datasets of the organization) to its publishers; 1 if sent, else 0."""
    recipients = publisher_emails(organization)
    if not recipients:
        return 0
    overdue = [dataset for dataset in datasets if dataset.timeliness[0] == Timeliness.OVERDUE]
    due_soon = [dataset for dataset in datasets if dataset.timeliness[0] == Timeliness.DUE_SOON]
    with transaction.atomic():
        _digest, created = TimelinessDigest.objects.get_or_create(
            organization=organization, day=today,
            defaults={"overdue": len(overdue), "due_soon": len(due_soon), "recipients": len(recipients)})
        if not created:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            context = {"organization": localized_text(organization, "name").text, "day": today,
                       "overdue": [_entry(dataset) for dataset in overdue],
                       "due_soon": [_entry(dataset) for dataset in due_soon],
                       "attention_link": absolute_link("quality-attention", organization.slug)}
            send_after_commit("quality/email/digest_subject.txt", "quality/email/digest_body.txt", recipients, context)
    return 1


def send_timeliness_digests(today=None):
    """One digest to every organization with published datasets overdue or due soon and none sent today."""
    today = today or timezone.localdate()
    due = due_by_organization(Dataset.objects.filter(state=Dataset.State.PUBLISHED), today)
    already = set(TimelinessDigest.objects.filter(day=today).values_list("organization_id", flat=True))
    organizations = Organization.objects.filter(pk__in=set(due) - already).order_by("pk")
    return sum(send_digest(organization, due[organization.pk], today) for organization in organizations)
