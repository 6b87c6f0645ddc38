"""Why a caller who sees a dataset may not have its data, as the 403 errors that say so.

The rule itself is datasets.grading's (download_refusal); this module turns
its answer into an error for every door to the data: file downloads, and the
datastore's rows, aggregates and exports.
"""
from django.utils.translation import gettext as _

from core.exceptions import DomainError

from . import grading


class ApplicationRequired(DomainError):
    """Conditional data: the dataset is listed, but its files are released on application only."""

    status_code = 403
    code = grading.Refusal.APPLICATION_REQUIRED


class KeyInactive(ApplicationRequired):
    code = grading.Refusal.KEY_INACTIVE


class ScopeRequired(ApplicationRequired):
    code = grading.Refusal.SCOPE_REQUIRED


class GrantRequired(ApplicationRequired):
    code = grading.Refusal.GRANT_REQUIRED


def _refusal_error(refusal):
    if refusal == grading.Refusal.SCOPE_REQUIRED:
        return ScopeRequired(_("该 API 密钥缺少权限范围 %(scope)s。") % {"scope": grading.DATA_SCOPE},
                             field="scope")
    if refusal == grading.Refusal.GRANT_REQUIRED:
        return GrantRequired(_("该 API 密钥所属企业没有此数据集的有效使用授权，请先提交数据使用申请。"),
                             field="grant")
    if refusal == grading.Refusal.KEY_INACTIVE:
        return KeyInactive(_("该 API 密钥已失效。"), field="key")
    return ApplicationRequired(
        _("该数据集为有条件开放数据，文件仅通过获批企业的 API 密钥提供；请向数据提供部门提交数据使用申请。")
    )


def ensure_can_download(request, dataset):
    """Refuse with a 403 naming what is missing (an application, a key's scope, a grant)."""
    # Only conditional datasets get here: restricted ones and drafts were 404 in the selectors.
    refusal = grading.viewer_for(request).download_refusal(dataset)
    if refusal is not None:
        raise _refusal_error(refusal)
