"""What an organization's publishers should fix: its datasets needing attention, each with why and where.

Reasons: overdue or due soon (published datasets, quality.timeliness), a metadata score below the
threshold, a failed quality report on a resource's current version (status failed, or a report that
says it is not valid), personal data found in an open or conditional resource (held back from
download), a broken link. The caller passes the datasets it may show (the viewer's own), so nothing
outside them is ever listed; this module reads the quality rows directly, whoever fills them.
"""
import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.localization import localized_text
from datasets import selectors
from datasets.grading import PUBLICLY_LISTED_GRADES, Viewer, holds_personal_data
from datasets.models import Dataset, Resource
from organizations.models import Organization
from organizations.refusals import not_a_publisher
from organizations.roles import is_publisher
from organizations.selectors import listed_organizations

from .metadata_score import LOW_SCORE
from .models import QualityReport
from .timeliness import Timeliness, states_of


class Reason(models.TextChoices):
    OVERDUE = "overdue", _("更新已逾期")
    DUE_SOON = "due_soon", _("即将到期")
    LOW_SCORE = "low_score", _("元数据质量分偏低")
    FAILED_REPORT = "failed_report", _("数据质量检查未通过")
    PERSONAL_DATA = "personal_data", _("含个人信息，已暂停下载")
    BROKEN_LINK = "broken_link", _("资源链接无法访问")


ORDER = list(Reason.values)


@dataclass
class Issue:
    reason: str
    detail: str
    fix_label: str
    fix_url: str = ""  # empty: the dataset's edit page
    due: datetime.date = None  # for the timeliness reasons

    @property
    def label(self):
        return Reason(self.reason).label


@dataclass
class Attention:
    dataset: Dataset
    issues: list = field(default_factory=list)

    @property
    def reasons(self):
        return [issue.reason for issue in self.issues]

    def sort_key(self):
        first = min(ORDER.index(issue.reason) for issue in self.issues)
        due = min((issue.due for issue in self.issues if issue.due), default=None)
        return first, due or datetime.date.max, self.dataset.title, self.dataset.pk


def attended_organization(user, slug):
    """The government organization whose list `user` may read (its publishers, platform staff):
    404 for no such department, 403 for anyone else."""
    organization = get_object_or_404(listed_organizations().filter(kind=Organization.Kind.GOVERNMENT), slug=slug)
    if not is_publisher(user, organization):
        raise not_a_publisher(_("只有本单位的发布者可以查看待处理的数据集。"))
    return organization


def attention_for(user, organization, today=None):
    """attention_list over the organization's datasets `user` may see."""
    return attention_list(selectors.datasets_for(Viewer(user)).filter(organization=organization), today)


def _timeliness_issues(datasets, today):
    for pk, state, due, _last in states_of(datasets.filter(state=Dataset.State.PUBLISHED), today):
        if state in (Timeliness.OVERDUE, Timeliness.DUE_SOON):
            detail = _("应于 %(due)s 更新") % {"due": due.isoformat()}
            yield pk, Issue(state, detail, _("更新数据或下次更新日期"), due=due)


def _score_issues(datasets):
    for pk, score in datasets.filter(metadata_score__lt=LOW_SCORE).values_list("pk", "metadata_score"):
        yield pk, Issue(Reason.LOW_SCORE, _("得分 %(score)s / 100") % {"score": score}, _("完善元数据"))


def _resource_issues(datasets):
    failed = (Q(current_version__quality_report__status=QualityReport.Status.FAILED)
              | Q(current_version__quality_report__report__valid=False))
    held = Q(current_version__personal_data_found=True, dataset__open_grade__in=PUBLICLY_LISTED_GRADES)
    resources = (Resource.objects.filter(dataset__in=datasets.values("pk"))
                 .filter(failed | held | Q(link_check__is_broken=True))
                 .select_related("dataset", "current_version__quality_report", "link_check"))
    for resource in resources:
        version = resource.current_version
        report = getattr(version, "quality_report", None) if version else None
        if report and (report.status == QualityReport.Status.FAILED or report.report.get("valid") is False):
            yield resource, Reason.FAILED_REPORT, _("查看资源的质量报告")
        if holds_personal_data(resource.dataset, version):
            yield resource, Reason.PERSONAL_DATA, _("脱敏这些列或更改开放等级")
        link_check = getattr(resource, "link_check", None)
        if link_check and link_check.is_broken:
            yield resource, Reason.BROKEN_LINK, _("修改链接地址")


def _resource_fix(resource, reason):
    if reason in (Reason.FAILED_REPORT, Reason.PERSONAL_DATA):  # the report, and its masking button
        return reverse("dataset-detail", args=[resource.dataset.identifier]) + f"#resource-{resource.pk}"
    return reverse("resource-edit", args=[resource.pk])


def attention_list(datasets, today=None):
    """[Attention] for the datasets of `datasets` (not archived) that need it, overdue first, then due soon
    (earliest due first), then by the other reasons in Reason's order."""
    datasets = datasets.exclude(state=Dataset.State.ARCHIVED)
    issues = {}
    for pk, issue in [*_timeliness_issues(datasets, today), *_score_issues(datasets)]:
        issues.setdefault(pk, []).append(issue)
    for resource, reason, fix_label in _resource_issues(datasets):
        issues.setdefault(resource.dataset_id, []).append(
            Issue(reason, localized_text(resource, "name").text, fix_label, _resource_fix(resource, reason)))
    rows = []
    for dataset in datasets.filter(pk__in=list(issues)).select_related("organization"):
        edit = reverse("dataset-edit", args=[dataset.identifier])
        for issue in issues[dataset.pk]:
            issue.fix_url = issue.fix_url or edit
        rows.append(Attention(dataset, sorted(issues[dataset.pk], key=lambda issue: ORDER.index(issue.reason))))
    return sorted(rows, key=Attention.sort_key)


def counts(rows):
    """{reason: number of datasets with it}, every reason present."""
    return {reason: sum(reason in row.reasons for row in rows) for reason in Reason.values}


def with_reason(rows, reason):
    return [row for row in rows if reason in row.reasons] if reason else rows
