"""Why a caller who sees a dataset may not have its data, as the 403 errors that say so.

The rule itself is datasets.grading's (download_refusal); this module turns
its answer into an error for every door to the data: file downloads, and the
datastore's rows, aggregates and exports. A file held back for personal data
is refused to outsiders whatever the grade allows (PersonalDataHeld).
"""
from django.utils import formats, timezone
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


class PersonalDataHeld(DomainError):
    """The quality report found personal data in the file: held back until the publisher masks it."""

    status_code = 403
    code = grading.Refusal.PERSONAL_DATA_HELD


def personal_data_held():
    return PersonalDataHeld(_("该文件含有个人信息（如身份证号、手机号、电子邮箱或银行卡号），已暂停提供；"
                              "需由数据提供部门对相关列脱敏并发布新版本后才能获取。"), field="file")


def _no_upcoming_grant(organization_id, dataset_id):
    return None


_upcoming_grant_start = _no_upcoming_grant


def register_upcoming_grant_start(lookup):
    """`lookup(organization_id, dataset_id)` gives when the enterprise's grant for the dataset that has
    not started yet starts, or None (access registers it), so a refusal can say "not yet" instead of "none"."""
    global _upcoming_grant_start
    _upcoming_grant_start = lookup


def _grant_error(key, dataset):
    starts_at = _upcoming_grant_start(key.organization_id, dataset.pk)
    if starts_at is not None:
        start = formats.date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")
        return GrantRequired(_("该 API 密钥所属企业对此数据集的使用授权尚未生效，将于 %(start)s 开始生效。")
                             % {"start": start}, field="grant")
    return GrantRequired(_("该 API 密钥所属企业没有此数据集的有效使用授权，请先提交数据使用申请。"), field="grant")


def _refusal_error(refusal, viewer, dataset):
    if refusal == grading.Refusal.PERSONAL_DATA_HELD:
        return personal_data_held()
    if refusal == grading.Refusal.SCOPE_REQUIRED:
        return ScopeRequired(_("该 API 密钥缺少权限范围 %(scope)s。") % {"scope": grading.DATA_SCOPE},
                             field="scope")
    if refusal == grading.Refusal.GRANT_REQUIRED:
        return _grant_error(viewer.credential, dataset)
    if refusal == grading.Refusal.KEY_INACTIVE:
        return KeyInactive(_("该 API 密钥已失效。"), field="key")
    return ApplicationRequired(
        _("该数据集为有条件开放数据，文件仅通过获批企业的 API 密钥提供；请向数据提供部门提交数据使用申请。")
    )


def ensure_can_download(request, dataset, versions=()):
    """Refuse with a 403 naming what is missing (an application, a key's scope, a grant), or that one of
    `versions` (the file versions to be served) is held back for personal data."""
    # Only conditional datasets get here: restricted ones and drafts were 404 in the selectors.
    viewer = grading.viewer_for(request)
    refusal = viewer.download_refusal(dataset, versions)
    if refusal is not None:
        raise _refusal_error(refusal, viewer, dataset)
