"""The reviewer's decisions: request changes, reject, or approve (and merge) a validated contribution.

Personal data found by the validation may reach an open grade only masked.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.stored_files import atomic_with_files
from datasets.models import OpenGrade

from .. import notifications
from ..models import Provenance, Status
from .cleaning import sanitize
from .comments import write_comment
from .merging import merge
from .moves import locked, move
from .permissions import ensure_reviewer


@transaction.atomic
def request_changes(*, user, contribution, comment="", field_comments=None):
    ensure_reviewer(user, contribution)
    field_comments = {str(k): sanitize(str(v)).strip() for k, v in (field_comments or {}).items() if str(v).strip()}
    if not (comment or "").strip() and not field_comments:
        raise ValidationError({"comment": _("请说明需要修改的内容。")})
    contribution = locked(contribution)
    contribution.review_comments = field_comments
    contribution.reviewer = user
    move(contribution, Status.NEEDS_CHANGES, user, sanitize(comment or ""))
    for field, text in field_comments.items():
        write_comment(user, contribution, text, field=field)
    notifications.needs_changes(contribution)
    return contribution


@transaction.atomic
def reject(*, user, contribution, reason):
    ensure_reviewer(user, contribution)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("驳回时必须说明理由。")})
    contribution = locked(contribution)
    contribution.reviewer = user
    move(contribution, Status.REJECTED, user, sanitize(reason.strip()))
    notifications.decided(contribution)
    return contribution


def approve(*, user, contribution, open_grade, mask_columns=(), comment=""):
    """Approve and merge in one transaction; a second approval at the same moment gets a 409."""
    ensure_reviewer(user, contribution)
    if open_grade not in OpenGrade.values:
        raise ValidationError({"open_grade": _("无效的开放等级：%(grade)s。") % {"grade": open_grade}})
    with atomic_with_files():
        contribution = locked(contribution)
        if contribution.status != Status.AWAITING_REVIEW:
            raise Conflict(_("贡献当前状态为“%(status)s”，不能批准。") % {"status": contribution.get_status_display()},
                           field="status")
        mask_columns = _check_personal_data(contribution, open_grade, list(mask_columns or []))
        contribution.reviewer, contribution.approved_grade = user, open_grade
        contribution.masked_columns = mask_columns
        move(contribution, Status.APPROVED, user, sanitize(comment or ""))
        dataset, resource = merge(contribution, open_grade, mask_columns)
        contribution.merged_dataset = dataset
        move(contribution, Status.MERGED, user, _("已合并到数据目录。"))
        Provenance.objects.create(dataset=dataset, resource=resource, contribution=contribution,
                                  enterprise=contribution.enterprise, kind=contribution.kind)
        notifications.decided(contribution)
    return contribution


def _check_personal_data(contribution, open_grade, mask_columns):
    """Personal data may reach an open grade only masked; returns the columns the merge masks."""
    columns = set(contribution.pii)
    unknown = set(mask_columns) - set(contribution.report.get("header") or [])
    if unknown:
        raise ValidationError({"mask_columns": _("没有这些列：%(names)s。") % {"names": ", ".join(sorted(unknown))}})
    if columns and open_grade == OpenGrade.OPEN and not columns <= set(mask_columns):
        raise ValidationError({"mask_columns": _("这些列含有个人信息，开放前必须脱敏或选择更严格的开放等级：%(names)s。")
                               % {"names": ", ".join(sorted(columns - set(mask_columns)))}})
    return mask_columns
