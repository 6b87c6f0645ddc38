"""The evaluation's indicators, one function each: what it measures, how it is computed, for whom.

Layers follow the Fudan Open Data Forest Index (开放数林指数): data, platform,
interaction (the index's interaction and feedback, kept apart here) and use.
Its readiness layer (laws, policies, organization, standards) is judged from
documents, not from the platform's figures: it is out of scope here (staff
assess it outside the portal), and the composite score's weights are shared
among the four layers (evaluation.scoring).

Each function takes a facts.Facts (one audience, one month) and returns a
facts.Values computed with grouped queries over the whole catalog. An indicator
marked `available=False` has nothing to count yet: it shows "not available",
never zero. Scores (0-100) of the indicators that have a `scoring` are made
by evaluation.scoring.
"""
from dataclasses import dataclass
from functools import wraps

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.models import AccessApplication, UsageReport
from access.selectors import active_grants, usage_reports_for
from apikeys.models import UsageDaily
from apikeys.selectors import active_keys
from contributions.models import Status as ContributionStatus
from contributions.models import Transition
from datasets.models import Dataset, OpenGrade, Resource, Theme
from datasets.selectors import theme_counts
from datastore.models import DatastoreTable
from datastore.readers import TABULAR_FORMATS as PREVIEW_FORMATS
from quality.models import QualityReport
from quality.tables import TABULAR_FORMATS as CHECKED_FORMATS
from quality.timeliness import Timeliness, summarize_by_organization
from searchstats.models import QueryStat

from .facts import OUTSIDER, STAFF, Values, days_between, figure, grouped, medians, share

DATA, PLATFORM, INTERACTION, USE = "data", "platform", "interaction", "use"
LAYERS = {DATA: _("数据层"), PLATFORM: _("平台层"), INTERACTION: _("互动层"), USE: _("利用层")}
READINESS_NOTE = _("开放数林指数的准备度（法规政策、组织推进、标准规范）依据制度文件评定，不由平台数据计算，"
                   "不在本评估之内；需要时由平台工作人员另行评定。")

# Unit words, with a context each: Chinese counts several kinds of things in the same word (个, 次, 件).
UNITS = {
    "datasets": pgettext_lazy("evaluation unit: datasets", "个"),
    "rows": pgettext_lazy("evaluation unit: rows", "行"),
    "files": pgettext_lazy("evaluation unit: files", "个"),
    "percent": "%",
    "points": pgettext_lazy("evaluation unit: points", "分"),
    "days": pgettext_lazy("evaluation unit: days", "天"),
    "calls": pgettext_lazy("evaluation unit: calls", "次"),
    "downloads": pgettext_lazy("evaluation unit: downloads", "次"),
    "enterprises": pgettext_lazy("evaluation unit: enterprises", "家"),
    "results": pgettext_lazy("evaluation unit: results", "项"),
    "keys": pgettext_lazy("evaluation unit: keys", "个"),
    "applications": pgettext_lazy("evaluation unit: applications", "件"),
    "contributions": pgettext_lazy("evaluation unit: contributions", "件"),
    "per_dataset": pgettext_lazy("evaluation unit: per dataset", "次/数据集"),
}
# What counts as machine-readable (Open Data Barometer's sense): structured formats and APIs.
MACHINE_READABLE_FORMATS = ("CSV", "TSV", "JSON", "GEOJSON", "XLSX", "XLS", "XML", "API")
DECIDED_CONTRIBUTION = (ContributionStatus.APPROVED, ContributionStatus.REJECTED)


@dataclass(frozen=True)
class Indicator:
    code: str
    layer: str
    label: str
    measures: str
    computed: str
    unit: str
    compute: object
    staff_only: bool = False
    per_organization: bool = True
    scoring: str = ""
    available: bool = True

    @property
    def is_public(self):
        return not self.staff_only

    @property
    def unit_label(self):
        return UNITS[self.unit]

    @property
    def layer_label(self):
        return LAYERS[self.layer]


INDICATORS = []


def indicator(code, layer, label, measures, computed, unit, **options):
    """Register the function as an indicator; within one Facts it is computed once (others reuse it)."""
    def register(function):
        @wraps(function)
        def once(facts):
            if function not in facts.computed:
                facts.computed[function] = function(facts)
            return facts.computed[function]
        INDICATORS.append(Indicator(code, layer, label, measures, computed, unit, once, **options))
        return once
    return register


def for_audience(audience):
    """The indicators an audience is shown, in page order (staff-only ones only for staff)."""
    return [item for item in INDICATORS if audience == STAFF or not item.staff_only]


# --- data layer --------------------------------------------------------------------------------------


@indicator("datasets", DATA, _("数据集数量"), _("开放的数据有多少。"),
           _("公开视图：已发布或已归档、无条件开放或有条件开放的数据集个数（公众可知其存在的数据集）；"
             "工作人员视图另计不予开放的数据集和草稿。"), "datasets", scoring="relative")
def datasets(facts):
    counts = facts.dataset_counts
    return Values(sum(counts.values()) if counts else None, dict(counts))


@indicator("datasets_by_grade", DATA, _("各开放等级的数据集"), _("数据按开放等级如何分布。"),
           _("按开放等级分别计数；不予开放的数据集只在工作人员视图中出现。"), "datasets")
def datasets_by_grade(facts):
    grades = [OpenGrade.OPEN, OpenGrade.CONDITIONAL] + ([OpenGrade.RESTRICTED] if facts.is_staff else [])

    def spread(counts):
        return {str(grade): counts.get(grade, 0) for grade in grades}
    total = {}
    for counts in facts.grade_counts.values():
        for grade, n in counts.items():
            total[grade] = total.get(grade, 0) + n
    return Values(spread(total) if total else None,
                  {key: spread(counts) for key, counts in facts.grade_counts.items()})


@indicator("grade_shares", DATA, _("开放等级占比"), _("开放范围：无条件开放的数据占多大比例。"),
           _("各开放等级的数据集占数据集总数的百分比；评分取无条件开放的占比。"), "percent", scoring="open_share")
def grade_shares(facts):
    def shares(counts):
        total = sum(counts.values())
        return {grade: share(n, total) for grade, n in counts.items()}
    by_grade = datasets_by_grade(facts)
    return Values(by_grade.platform and shares(by_grade.platform),
                  {key: shares(counts) for key, counts in by_grade.organizations.items()})


@indicator("drafts", DATA, _("草稿数据集"), _("已建立但尚未发布的数据集。"), _("状态为草稿的数据集个数。"),
           "datasets", staff_only=True)
def drafts(facts):
    return figure(facts, facts.datasets.filter(state=Dataset.State.DRAFT), "organization_id", lambda row: row["n"],
                   n=Count("pk"))


@indicator("datasets_by_theme", DATA, _("各主题的数据集"), _("数据覆盖哪些领域。"),
           _("按一级主题计数：子主题的数据集计入其一级主题；一个数据集可属于多个主题，在每个主题下只计一次。"),
           "datasets")
def datasets_by_theme(facts):
    roots = dict(Theme.objects.filter(parent__isnull=True).values_list("pk", "code"))
    links = Dataset.themes.through.objects.filter(dataset__in=facts.datasets.values("pk")).order_by()
    rows = (links.annotate(root=Coalesce("theme__parent_id", "theme_id"))
            .values("dataset__organization_id", "root").annotate(n=Count("dataset_id", distinct=True)))
    by_organization = {}
    for row in rows:
        by_organization.setdefault(row["dataset__organization_id"], {})[roots[row["root"]]] = row["n"]
    platform = {roots[key]: n for key, n in theme_counts(facts.datasets.values("pk")).items() if key in roots}
    return Values(platform if facts.dataset_counts else None, by_organization, default={})


@indicator("records", DATA, _("数据记录数"), _("可以在线查询的数据有多少行。"),
           _("各资源当前提供服务的数据表（数据服务中已加载完成的表）的行数之和。"), "rows")
def records(facts):
    tables = DatastoreTable.objects.filter(is_active=True, status=DatastoreTable.Status.READY,
                                           resource__dataset__in=facts.datasets.values("pk"))
    return figure(facts, tables, "resource__dataset__organization_id", lambda row: row["rows"],
                   rows=Coalesce(Sum("row_count"), 0))


@indicator("files", DATA, _("数据文件数"), _("平台上可以下载的数据文件有多少。"),
           _("已上传文件的资源个数（每个资源只计当前版本；外部链接不计）。"), "files")
def files(facts):
    uploaded = Resource.objects.filter(dataset__in=facts.datasets.values("pk"), kind=Resource.Kind.FILE,
                                       current_version__isnull=False)
    return figure(facts, uploaded, "dataset__organization_id", lambda row: row["n"], n=Count("pk"))


@indicator("machine_readable_share", DATA, _("机器可读格式占比"), _("数据能否直接被程序读取（数据标准）。"),
           _("格式为 CSV、TSV、JSON、GeoJSON、XLSX、XLS、XML 或 API 的资源（文件和链接）占全部资源的百分比；"
             "PDF、文档、图片等格式和未标明格式的资源计为不可机读。"), "percent", scoring="share")
def machine_readable_share(facts):
    resources = Resource.objects.filter(dataset__in=facts.datasets.values("pk"))
    return figure(facts, resources, "dataset__organization_id", lambda row: share(row["readable"], row["total"]),
                   total=Count("pk"), readable=Count("pk", filter=Q(format__in=MACHINE_READABLE_FORMATS)))


@indicator("metadata_score", DATA, _("平均元数据质量分"), _("数据集的说明是否完整、可用（数据质量）。"),
           _("已评分数据集的元数据质量分（0–100）的平均值；尚未评分的数据集不计。"), "points", scoring="points")
def metadata_score(facts):
    scored = facts.datasets.filter(metadata_score__isnull=False)
    def average(row):
        return round(row["total"] / row["n"], 1) if row["n"] else None
    return figure(facts, scored, "organization_id", average, total=Sum("metadata_score"), n=Count("pk"))


@indicator("quality_error_rate", DATA, _("数据质量问题率"), _("数据文件本身有没有错误（数据质量）。"),
           _("表格资源（CSV、TSV、XLSX、JSON）的当前版本中，质量检查失败或报告判定为不合格的百分比；"
             "尚未完成检查的版本不计。"), "percent", scoring="inverse_share")
def quality_error_rate(facts):
    reports = QualityReport.objects.filter(
        version__resource__dataset__in=facts.datasets.values("pk"), version__format__in=CHECKED_FORMATS,
        version__resource__current_version=F("version_id"),
        status__in=[QualityReport.Status.DONE, QualityReport.Status.FAILED])
    failed = Q(status=QualityReport.Status.FAILED) | Q(report__valid=False)
    return figure(facts, reports, "version__resource__dataset__organization_id",
                   lambda row: share(row["failed"], row["checked"]), checked=Count("pk"),
                   failed=Count("pk", filter=failed))


@indicator("timeliness", DATA, _("按时更新率"), _("数据是否按声明的更新频率更新。"),
           _("声明了更新频率的数据集中，在月末（或快照时）未逾期（按时或即将到期）的百分比；"
             "未声明更新频率的数据集不计。"), "percent", scoring="share")
def timeliness(facts):
    def on_time(counts):
        declared = counts[Timeliness.ON_TIME] + counts[Timeliness.DUE_SOON] + counts[Timeliness.OVERDUE]
        return share(declared - counts[Timeliness.OVERDUE], declared)
    groups = summarize_by_organization(facts.datasets, today=facts.last_day)
    total = {state: sum(row[state] for row in groups.values()) for state in Timeliness.values}
    return Values(on_time(total) if facts.dataset_counts else None,
                  {key: on_time(row) for key, row in groups.items()}, default=None)


# --- platform layer ----------------------------------------------------------------------------------


@indicator("search_success", PLATFORM, _("搜索成功率"), _("用户能否找到想要的数据（发现与预览）。"),
           _("本月有搜索词的搜索中，至少找到一个数据集的百分比（搜索统计只按日计数，不含任何个人信息）。"),
           "percent", per_organization=False, scoring="share")
def search_success(facts):
    totals = QueryStat.objects.filter(facts.on_days("day")).aggregate(
        searches=Coalesce(Sum("count"), 0), empty=Coalesce(Sum("zero_result_count"), 0))
    return Values(share(totals["searches"] - totals["empty"], totals["searches"]))


@indicator("preview_availability", PLATFORM, _("在线预览可用率"), _("表格数据能否不下载就在线浏览和查询。"),
           _("表格文件资源（CSV、TSV、XLSX、JSON、GeoJSON）中，已有加载完成、正在服务的数据表的百分比。"),
           "percent", scoring="share")
def preview_availability(facts):
    tabular = Resource.objects.filter(dataset__in=facts.datasets.values("pk"), kind=Resource.Kind.FILE,
                                      current_version__isnull=False, format__in=PREVIEW_FORMATS)
    ready = Q(datastore_tables__is_active=True, datastore_tables__status=DatastoreTable.Status.READY)
    return figure(facts, tabular, "dataset__organization_id", lambda row: share(row["ready"], row["total"]),
                   total=Count("pk", distinct=True), ready=Count("pk", filter=ready, distinct=True))


@indicator("api_keys", PLATFORM, _("有效 API 密钥"), _("有多少开发者和企业能通过接口获取数据。"),
           _("快照时有效（未吊销、未过期、未超过轮换宽限期）的 API 密钥个数。"), "keys", per_organization=False)
def api_keys(facts):
    return Values(active_keys(facts.now).count())


def _calls(facts):
    """Metered calls of the month that named a dataset the audience may count, with its organization."""
    owner = Dataset.objects.filter(identifier=OuterRef("dataset")).values("organization_id")[:1]
    return (UsageDaily.objects.filter(facts.on_days("day"), dataset__in=facts.datasets.values("identifier"))
            .annotate(owner=Subquery(owner)))


@indicator("api_calls", PLATFORM, _("API 调用次数"), _("数据接口被使用了多少次。"),
           _("本月通过 API 密钥的调用次数（用量每分钟汇总一次）；全平台计所有接口，公开视图不计调用非公开数据集的次数；"
             "按组织统计时只计调用其数据集的次数。"), "calls")
def api_calls(facts):
    groups = grouped(_calls(facts), "owner", calls=Sum("calls"))
    month = UsageDaily.objects.filter(facts.on_days("day"))
    if not facts.is_staff:
        month = month.filter(Q(dataset="") | Q(dataset__in=facts.datasets.values("identifier")))
    total = month.aggregate(calls=Coalesce(Sum("calls"), 0))["calls"]
    return Values(total if facts.dataset_counts else None, {key: row["calls"] for key, row in groups.items()})


@indicator("downloads", PLATFORM, _("累计下载次数"), _("数据文件被下载了多少次。"),
           _("截至快照时各数据集文件下载次数之和（下载计数器的累计值）。"), "downloads")
def downloads(facts):
    return figure(facts, facts.datasets, "organization_id", lambda row: row["n"], n=Sum("download_count"))


# --- interaction layer -------------------------------------------------------------------------------


@indicator("access_applications", INTERACTION, _("数据使用申请数"), _("企业申请使用有条件开放数据的多少。"),
           _("本月提交的有条件开放数据使用申请件数，按数据集所属部门统计。"), "applications")
def access_applications(facts):
    submitted = facts.through(AccessApplication.objects.filter(facts.during("created")))
    return figure(facts, submitted, "dataset__organization_id", lambda row: row["n"], n=Count("pk"))


@indicator("access_decision_days", INTERACTION, _("申请审核用时（中位数）"), _("部门答复数据使用申请快不快。"),
           _("本月作出决定（批准或驳回）的申请，从提交到决定所用天数的中位数；越短越好。"), "days", scoring="days")
def access_decision_days(facts):
    decided = facts.through(AccessApplication.objects.filter(facts.during("decided_at")))
    return medians([(organization, days_between(created, decided_at)) for organization, created, decided_at
                     in decided.values_list("dataset__organization_id", "created", "decided_at")])


@indicator("contributions", INTERACTION, _("数据贡献数"), _("企业向部门贡献数据的多少。"),
           _("本月提交或重新提交给部门审核的数据贡献件数（每件只计一次）。"), "contributions")
def contributions(facts):
    submissions = facts.through(Transition.objects.filter(
        facts.during("created"), to_status__in=[ContributionStatus.SUBMITTED, ContributionStatus.RESUBMITTED]),
        "contribution__dataset", "contribution__merged_dataset")
    return figure(facts, submissions, "contribution__target_organization_id", lambda row: row["n"],
                   n=Count("contribution_id", distinct=True))


@indicator("contribution_decision_days", INTERACTION, _("贡献审核用时（中位数）"), _("部门处理数据贡献快不快。"),
           _("本月作出决定（批准或驳回）的贡献，从首次提交到决定所用天数的中位数；越短越好。"), "days", scoring="days")
def contribution_decision_days(facts):
    first_submitted = (Transition.objects.filter(contribution=OuterRef("contribution"),
                                                 to_status=ContributionStatus.SUBMITTED)
                       .order_by("created").values("created")[:1])
    decisions = facts.through(
        Transition.objects.filter(facts.during("created"), to_status__in=DECIDED_CONTRIBUTION),
        "contribution__dataset", "contribution__merged_dataset").annotate(submitted=Subquery(first_submitted))
    return medians([(organization, days_between(submitted, decided)) for organization, submitted, decided
                     in decisions.values_list("contribution__target_organization_id", "submitted", "created")
                     if submitted is not None])


@indicator("data_requests", INTERACTION, _("数据需求答复"), _("公众提出的数据开放需求是否得到答复、用了几天。"),
           _("公众提出数据需求的功能尚未建成，暂不可用（不是零）。"), "days", available=False)
def data_requests(facts):
    """Nothing to count until the portal takes data requests."""


@indicator("feedback", INTERACTION, _("意见反馈答复"), _("用户的意见和纠错是否得到答复、用了几天。"),
           _("意见反馈功能尚未建成，暂不可用（不是零）。"), "days", available=False)
def feedback(facts):
    """Nothing to count until the portal takes feedback."""


# --- use layer ---------------------------------------------------------------------------------------


def _per_dataset(facts, figure):
    counts = facts.dataset_counts

    def per(total, n):
        return round(total / n, 2) if n and total is not None else None
    return Values(per(figure.platform, sum(counts.values())),
                  {key: per(figure.organizations.get(key, figure.default), n) for key, n in counts.items()})


@indicator("downloads_per_dataset", USE, _("平均下载次数"), _("数据被利用的程度（下载）。"),
           _("累计下载次数除以数据集个数。"), "per_dataset", scoring="relative")
def downloads_per_dataset(facts):
    return _per_dataset(facts, downloads(facts))


@indicator("api_calls_per_dataset", USE, _("平均 API 调用次数"), _("数据被利用的程度（接口）。"),
           _("本月调用其数据集的 API 次数除以数据集个数；全平台只计调用数据集的次数。"), "per_dataset",
           scoring="relative")
def api_calls_per_dataset(facts):
    calls = _calls(facts).aggregate(calls=Coalesce(Sum("calls"), 0))["calls"]
    return _per_dataset(facts, Values(calls, api_calls(facts).organizations))


@indicator("enterprises_using", USE, _("使用数据的企业"), _("利用主体有多少、是否多样。"),
           _("快照时持有其数据集有效授权的企业，加上本月用企业密钥调用过其数据集的企业，去重后的家数。"),
           "enterprises", scoring="relative")
def enterprises_using(facts):
    granted = (active_grants(facts.now).filter(dataset__in=facts.datasets.values("pk"))
               .values_list("dataset__organization_id", "enterprise_id"))
    keyed = _calls(facts).filter(key__organization__isnull=False).values_list("owner", "key__organization_id")
    pairs = set(granted.distinct()) | set(keyed.distinct())
    by_organization = {}
    for organization, enterprise in pairs:
        by_organization.setdefault(organization, set()).add(enterprise)
    platform = {enterprise for _organization, enterprise in pairs}
    return Values(len(platform) if facts.dataset_counts else None,
                  {key: len(found) for key, found in by_organization.items()})


@indicator("use_results", USE, _("利用成果"), _("数据用出了什么成果。"),
           _("企业登记的数据使用成果（累计）；公开视图只计公开展示的成果。"), "results", scoring="relative")
def use_results(facts):
    reports = UsageReport.objects.all() if facts.is_staff else usage_reports_for(OUTSIDER.user)
    return figure(facts, reports, "dataset__organization_id", lambda row: row["n"], n=Count("pk"))
