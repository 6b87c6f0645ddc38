"""Submitting a contribution for validation, resubmitting it after changes, withdrawing it."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from .. import signals
from ..models import Contribution, Status
from .comments import write_comment
from .moves import EDITABLE, locked, move
from .permissions import ensure_contributor


def mark_submitted(user, contribution):
    """Move a locked draft (or one that needed changes) on to validation, queued once this commits."""
    target = Status.SUBMITTED if contribution.status == Status.DRAFT else Status.RESUBMITTED
    contribution.submitted_at = timezone.now()
    contribution.validation_attempts, contribution.interrupted = 0, False
    move(contribution, target, user)
    signals.validation_requested.send(sender=Contribution, contribution_id=contribution.pk)


@transaction.atomic
def submit(*, user, contribution, comment=""):
    """Submit a draft, or resubmit after changes; validation is queued once this commits."""
    ensure_contributor(user, contribution)
    contribution = locked(contribution)
    if contribution.status not in EDITABLE:
        raise Conflict(_("贡献当前状态为“%(status)s”，不能提交。") % {"status": contribution.get_status_display()},
                       field="status")
    mark_submitted(user, contribution)
    if comment:
        write_comment(user, contribution, comment)
    return contribution


@transaction.atomic
def withdraw(*, user, contribution, comment=""):
    ensure_contributor(user, contribution)
    contribution = locked(contribution)
    return move(contribution, Status.WITHDRAWN, user, comment)
