"""The demo's enterprise side: a verified enterprise, its API key, an approved access application
with an active grant and a public use result, and two contributions (one in review, one merged,
its provenance public).

Each step goes through the owning app's services, as the enterprise and the reviewer would.
"""
import datetime
from dataclasses import dataclass

from django.utils import timezone

from access import services as access_services
from access.models import AccessApplication
from apikeys.models import Scope
from apikeys.services import issue_key, keys_for
from contributions.models import Contribution, Kind
from contributions.services import drafting, reviewing, validation_job
from datasets.models import Dataset, Resource
from enterprises.credit_code import check_character
from enterprises.services import register_enterprise, verify_enterprise
from organizations.models import Organization
from organizations.services import save_organization

from .accounts import email_of

SLUG = "demo-metro-operator"
NAME_ZH = "示例城市轨道交通运营公司"
NAME_EN = "Demo Metro Operator (enterprise)"
# Shenzhen's division code (440300) and a check character computed by GB 32100-2015's rule.
CREDIT_CODE = "91440300MA5DEM001" + check_character("91440300MA5DEM001")
KEY_NAME = "演示密钥（data:read）"
CONDITIONAL_DATASET = "demo-immunization-schedule"
GRANT_DAYS = 364
# Two corrections of a transport dataset, each a fact of the table it describes (G1–G7 radial expressways).
MERGED_CORRECTION = {
    "dataset": "demo-expressways-radial",
    "message": "补充关键词“首都放射线”，便于按路网规划中的名称查找。",
    "add_keyword": "首都放射线",
}
CORRECTION_IN_REVIEW = {
    "dataset": "demo-expressways-radial",
    "message": "在描述中说明编号规则。",
    "description_addition": "\n\n首都放射线的编号为一位数，自 G1 至 G7。",
}


@dataclass
class KeyReport:
    prefix: str
    token: str = ""  # only when issued by this run: the full key exists nowhere else


def ensure_enterprise(admin, enterprise_admin):
    """The verified enterprise; None when an organization of that slug exists without being one (an older
    demo's, or one a platform admin rejected)."""
    organization = Organization.objects.filter(slug=SLUG).first()
    if organization is None:
        profile = register_enterprise(
            user=enterprise_admin, name_zh=NAME_ZH, name_en=NAME_EN, credit_code=CREDIT_CODE,
            legal_representative="示例法定代表人", contact_name="示例联系人", contact_email=email_of(enterprise_admin.username),
        )
        organization = save_organization(user=admin, data={"slug": SLUG}, organization=profile.organization)
    profile = getattr(organization, "enterprise_profile", None)
    if profile is None:
        return None
    if profile.status == profile.Status.PENDING:
        verify_enterprise(user=admin, profile=profile)
    organization = Organization.objects.select_related("enterprise_profile").get(pk=organization.pk)
    return organization if organization.enterprise_profile.is_verified else None


def ensure_api_key(enterprise, holder):
    """The enterprise's working demo key; a new one only when none works any more."""
    for key in keys_for(holder).filter(organization=enterprise, name=KEY_NAME):
        if key.is_active:
            return KeyReport(key.prefix)
    key, token = issue_key(user=holder, name=KEY_NAME, organization=enterprise,
                           scopes=[Scope.CATALOG_READ, Scope.DATA_READ, Scope.CONTRIBUTIONS_WRITE])
    return KeyReport(key.prefix, token)


def granted_resource():
    """The conditional dataset's table, which the grant opens to the enterprise's key."""
    return Resource.objects.filter(dataset__identifier=CONDITIONAL_DATASET, kind=Resource.Kind.FILE).first()


def ensure_grant(enterprise, applicant, reviewer):
    """An approved application for the conditional dataset, a grant active from today, what was built with it."""
    dataset = Dataset.objects.get(identifier=CONDITIONAL_DATASET)
    if AccessApplication.objects.filter(enterprise=enterprise, dataset=dataset).exists():
        return
    today = timezone.localdate()
    end = today + datetime.timedelta(days=GRANT_DAYS)
    application = access_services.apply(user=applicant, enterprise=enterprise, dataset=dataset, data={
        "purpose": "在员工健康管理系统中提示随迁子女的疫苗接种时间。",
        "intended_use": "只读取免疫程序表，在企业内网系统中展示，不与个人信息合并，不对外公开。",
        "period_start": today, "period_end": end, "terms_accepted": True,
    })
    grant = access_services.approve(user=reviewer, application=application, expires_on=end,
                                    terms="仅限申请所述用途；不得转让或公开原始数据；到期后删除。")
    access_services.file_usage_report(user=applicant, grant=grant, data={
        "title": "员工子女疫苗接种时间提示（演示）",
        "description": "按免疫程序表中的接种年龄，在企业内网的员工自助页面提示子女下一剂疫苗的接种时间。",
    })


def ensure_contributions(enterprise, contributor, reviewer):
    """The merged correction (with its provenance) and the one awaiting the reviewer."""
    merged = _correction(enterprise, contributor, MERGED_CORRECTION, lambda dataset: {
        "keywords": [*dataset.keywords, MERGED_CORRECTION["add_keyword"]]})
    if merged is not None:
        reviewing.approve(user=reviewer, contribution=merged, open_grade=merged.dataset.open_grade,
                          comment="关键词与规划名称一致，合并。")
    _correction(enterprise, contributor, CORRECTION_IN_REVIEW, lambda dataset: {
        "description": dataset.description + CORRECTION_IN_REVIEW["description_addition"]})


def _correction(enterprise, contributor, spec, metadata_of):
    """A submitted and validated correction, or None when this demo step was done before."""
    if Contribution.objects.filter(enterprise=enterprise, dataset__identifier=spec["dataset"],
                                   message=spec["message"]).exists():
        return None
    dataset = Dataset.objects.get(identifier=spec["dataset"])
    contribution = drafting.create(user=contributor, enterprise=enterprise, kind=Kind.CORRECTION,
                                   target={"dataset": dataset.identifier}, metadata=metadata_of(dataset),
                                   message=spec["message"], submit=True)
    # The queued validation may not have run yet (a worker, or a transaction still open): run it here.
    validation_job.validate(contribution.pk)
    return Contribution.objects.get(pk=contribution.pk)
