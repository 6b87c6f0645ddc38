"""Who sees which contributions, and the review queue's filters."""
from django.db.models import Q

from datasets.grading import Viewer
from enterprises.services import enterprises_of
from organizations.roles import is_platform_staff, reviewed_organization_ids

from .models import Contribution, Provenance, Status

SORTS = {"age": "submitted_at", "-age": "-submitted_at", "created": "created", "-created": "-created"}
QUEUE_STATUSES = (Status.AWAITING_REVIEW, Status.NEEDS_CHANGES, Status.SUBMITTED, Status.VALIDATING,
                  Status.RESUBMITTED)


def contributions_for(user):
    """Contributions of the user's enterprises, and those addressed to the departments they review; all for staff."""
    if not (user and user.is_authenticated):
        return Contribution.objects.none()
    queryset = Contribution.objects.select_related(
        "enterprise", "target_organization", "dataset", "resource", "submitted_by", "reviewer", "merged_dataset")
    if is_platform_staff(user):
        return queryset
    enterprise_ids = list(enterprises_of(user).values_list("pk", flat=True))
    queryset = queryset.filter(Q(enterprise_id__in=enterprise_ids)
                               | Q(target_organization_id__in=reviewed_organization_ids(user)))
    # A contribution naming a dataset hidden from the viewer (re-graded, unpublished) is hidden with it.
    return Viewer(user).filter_visible_through(queryset, "dataset", "merged_dataset")


def review_queue(user, *, kind="", status="", enterprise="", validation="", sort="age"):
    """What the user's departments have to review, filtered and sorted (oldest first by default)."""
    queryset = contributions_for(user).filter(target_organization_id__in=reviewed_organization_ids(user))
    queryset = queryset.filter(status=status) if status else queryset.filter(status__in=QUEUE_STATUSES)
    if kind:
        queryset = queryset.filter(kind=kind)
    if enterprise:
        queryset = queryset.filter(enterprise__slug=enterprise)
    if validation:
        queryset = queryset.filter(validation=validation)
    return queryset.order_by(SORTS.get(sort, "submitted_at"), "id")


def provenance_of(dataset):
    """The public record of contributions merged into a dataset."""
    return list(Provenance.objects.filter(dataset=dataset).select_related("enterprise", "resource", "contribution"))
