"""Queries of the access app reused by grading (the grant check, see apps.py), pages, the API and tasks."""
from django.db.models import Q
from django.utils import timezone

from datasets.grading import Viewer
from enterprises.services import enterprises_of
from organizations.roles import is_platform_staff, reviewed_organization_ids

from .models import AccessApplication, Grant, UsageReport


def active_grants(now=None):
    """Grants in force: started, not yet expired, not revoked (whether or not the expiry task has run)."""
    now = now or timezone.now()
    return Grant.objects.filter(revoked_at__isnull=True, starts_at__lte=now, expires_at__gt=now)


def has_active_grant(organization_id, dataset_id):
    return active_grants().filter(enterprise_id=organization_id, dataset_id=dataset_id).exists()


def upcoming_grant_start(organization_id, dataset_id):
    """When the enterprise's next grant for the dataset that has not started yet starts, or None."""
    upcoming = Grant.objects.filter(enterprise_id=organization_id, dataset_id=dataset_id, revoked_at__isnull=True,
                                    starts_at__gt=timezone.now()).order_by("starts_at")
    return upcoming.values_list("starts_at", flat=True).first()


def _involving(user, enterprise_field, dataset_org_field):
    """A Q for rows of the user's enterprises or of datasets the user reviews; None means everything (staff)."""
    if is_platform_staff(user):
        return None
    enterprise_ids = list(enterprises_of(user).values_list("pk", flat=True))
    return Q(**{f"{enterprise_field}__in": enterprise_ids}) | Q(
        **{f"{dataset_org_field}__in": reviewed_organization_ids(user)}
    )


def _visible(queryset, user, condition):
    """The rows `condition` gives `user`, without those naming a dataset hidden from `user`."""
    queryset = queryset if condition is None else queryset.filter(condition)
    return Viewer(user).filter_visible_through(queryset)


def applications_for(user):
    """Applications `user` may see: their enterprises', those their department reviews, all for staff."""
    if not (user and user.is_authenticated):
        return AccessApplication.objects.none()
    queryset = AccessApplication.objects.select_related(
        "enterprise", "dataset__organization", "applicant", "reviewer", "grant"
    ).prefetch_related("resources")
    return _visible(queryset, user, _involving(user, "enterprise_id", "dataset__organization_id"))


def review_queue(user):
    """Open applications for the datasets of the departments `user` reviews, oldest first."""
    return applications_for(user).filter(
        status=AccessApplication.Status.SUBMITTED, dataset__organization_id__in=reviewed_organization_ids(user)
    ).order_by("created", "id")


def grants_for(user):
    if not (user and user.is_authenticated):
        return Grant.objects.none()
    queryset = Grant.objects.select_related("enterprise", "dataset__organization", "application", "revoked_by")
    return _visible(queryset, user, _involving(user, "enterprise_id", "dataset__organization_id"))


def latest_grant(enterprise, dataset):
    return Grant.objects.filter(enterprise=enterprise, dataset=dataset).order_by("-created", "-id").first()


def usage_reports_for(user):
    """Reports `user` may see: public ones, plus all of their enterprises' and their department's."""
    queryset = UsageReport.objects.select_related("enterprise", "dataset", "grant")
    if not (user and user.is_authenticated):
        return _visible(queryset, user, Q(is_public=True))
    condition = _involving(user, "enterprise_id", "dataset__organization_id")
    return _visible(queryset, user, None if condition is None else condition | Q(is_public=True))


def use_results(dataset):
    """What the dataset page shows as the results built with its data."""
    return UsageReport.objects.filter(dataset=dataset, is_public=True).select_related("enterprise")
