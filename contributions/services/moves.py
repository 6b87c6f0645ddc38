r"""The contribution's status machine: the one place where a contribution changes status.

    draft -> submitted -> validating -> awaiting_review -> approved -> merged
                             |               |   \-> needs_changes -> resubmitted -> validating ...
                             \-> needs_changes   \-> rejected
    any open status -> withdrawn (by the contributor)

`awaiting_review` is where a contribution waits once its files passed
validation. Every move goes through `move`, which refuses a move the table
below does not allow (Conflict, 409) and records who, when, and why.
"""
from django.http import Http404
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from ..models import Contribution, Status, Transition

ALLOWED = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.VALIDATING, Status.WITHDRAWN},
    Status.RESUBMITTED: {Status.VALIDATING, Status.WITHDRAWN},
    Status.VALIDATING: {Status.AWAITING_REVIEW, Status.NEEDS_CHANGES, Status.WITHDRAWN},
    Status.AWAITING_REVIEW: {Status.APPROVED, Status.NEEDS_CHANGES, Status.REJECTED, Status.WITHDRAWN},
    Status.NEEDS_CHANGES: {Status.RESUBMITTED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.MERGED},
}
EDITABLE = (Status.DRAFT, Status.NEEDS_CHANGES)


def move(contribution, to_status, actor=None, comment=""):
    """Record one transition; the caller holds the row lock."""
    previous = contribution.status
    if to_status not in ALLOWED.get(previous, ()):
        raise Conflict(_("贡献当前状态为“%(status)s”，不能变为“%(target)s”。")
                       % {"status": contribution.get_status_display(), "target": Status(to_status).label},
                       field="status")
    contribution.status = to_status
    contribution.save()
    Transition.objects.create(
        contribution=contribution, from_status=previous, to_status=to_status, comment=comment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.get_username() if actor is not None and actor.is_authenticated else "system",
    )
    return contribution


def locked(contribution):
    """The contribution re-read under a row lock (inside the caller's transaction); 404 once it is gone."""
    try:
        return Contribution.objects.select_for_update().get(pk=contribution.pk)
    except Contribution.DoesNotExist:
        raise Http404("Gone") from None
