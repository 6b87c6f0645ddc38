"""Who may act on a contribution: its enterprise's members edit it, the target department's reviewers decide.

A reviewer never decides a contribution of their own enterprise, nor one they submitted.
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from enterprises.services import acting_enterprise, enterprises_of
from organizations import roles
from organizations.refusals import not_a_reviewer

from .moves import EDITABLE


def is_contributor(user, contribution):
    return enterprises_of(user).filter(pk=contribution.enterprise_id).exists()


def ensure_contributor(user, contribution):
    if not is_contributor(user, contribution):
        raise PermissionDenied(_("只有贡献企业的成员可以操作该贡献。"))
    acting_enterprise(user, contribution.enterprise)


def ensure_reviewer(user, contribution):
    if is_contributor(user, contribution) or (contribution.submitted_by_id and contribution.submitted_by_id == user.pk):
        raise PermissionDenied(_("不能审核自己企业提交的贡献。"))
    if not roles.is_reviewer(user, contribution.target_organization):
        raise not_a_reviewer(_("只有目标部门的审核者可以审核该贡献。"))


def can_review(user, contribution):
    return roles.is_reviewer(user, contribution.target_organization) and not is_contributor(user, contribution)


def can_edit(user, contribution):
    return contribution.status in EDITABLE and is_contributor(user, contribution)
