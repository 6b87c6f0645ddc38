"""Which sources and jobs a person sees (only who may manage a source sees its jobs and reports)."""
from django.db.models import F, OuterRef, Q, Subquery

from organizations.roles import is_platform_staff

from .models import HarvestJob, HarvestRecord, HarvestSource, JobStatus
from .permissions import manageable_organizations

ENDED = (JobStatus.FINISHED, JobStatus.FINISHED_WITH_ERRORS, JobStatus.FAILED)
# A run is flagged when more than 1 in 20 (5%) of the records it read failed.
FLAG_ONE_IN = 20


def sources_for(user):
    """All sources for staff; for an organization admin, those harvesting into their departments."""
    queryset = HarvestSource.objects.select_related("organization", "default_licence")
    if is_platform_staff(user):
        return queryset
    return queryset.filter(organization__in=manageable_organizations(user))


def jobs_of(source):
    return source.jobs.select_related("requested_by").order_by("-created", "-id")


def jobs_for(user):
    """Jobs of the sources the user may manage (any other job is not found)."""
    return HarvestJob.objects.select_related("source", "source__organization", "requested_by").filter(
        source__in=sources_for(user))


def records_of(job, outcome=""):
    queryset = HarvestRecord.objects.filter(job=job).select_related("dataset")
    return queryset.filter(outcome=outcome) if outcome else queryset


def flagged_sources(user):
    """Sources the user manages whose last real (not dry) run failed or failed more than 5% of what it read."""
    last = HarvestJob.objects.filter(source=OuterRef("pk"), dry_run=False, status__in=ENDED).order_by("-created", "-id")
    return sources_for(user).annotate(
        last_job_id=Subquery(last.values("id")[:1]),
        last_status=Subquery(last.values("status")[:1]),
        last_failed=Subquery(last.values("failed_count")[:1]),
        last_read=Subquery(last.values("read")[:1]),
    ).filter(Q(last_status=JobStatus.FAILED) | Q(last_read__lt=F("last_failed") * FLAG_ONE_IN))
