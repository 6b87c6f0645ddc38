"""The discussion thread of a contribution: its enterprise's members and the target's reviewers."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations import roles

from .. import notifications
from ..models import Comment
from .cleaning import TEXT_LIMIT, sanitize
from .permissions import is_contributor


def write_comment(user, contribution, body, field=""):
    """One comment, cleaned and bounded; `field` names the metadata field a reviewer's comment is about."""
    body = sanitize((body or "").strip())
    if not body:
        raise ValidationError({"body": _("此字段为必填项。")})
    if len(body) > TEXT_LIMIT:
        raise ValidationError({"body": _("最多 %(n)d 个字符。") % {"n": TEXT_LIMIT}})
    return Comment.objects.create(contribution=contribution, author=user, author_label=user.get_username(),
                                  field=field[:100], body=body)


@transaction.atomic
def add_comment(*, user, contribution, body):
    """A comment by a participant, announced to the others."""
    if not (is_contributor(user, contribution) or roles.is_reviewer(user, contribution.target_organization)):
        raise PermissionDenied(_("只有贡献企业成员和审核者可以参与讨论。"))
    comment = write_comment(user, contribution, body)
    notifications.commented(contribution, comment)
    return comment
