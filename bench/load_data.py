"""The load bench's catalog: what bench/locustfile.py asks for, written into the bench's own database.

The bulk of the catalog comes from catalog_bench.load (datasets with link resources, themes, keywords, every
grade and state). On top, through the services: open datasets whose CSV files become datastore tables (the rows
API and the downloads), and a conditional dataset with a CSV file, granted to a verified enterprise whose key
(catalog:read + data:read, on a plan that never refuses) makes the keyed calls.
"""
import datetime
import io

from catalog_bench import WORDS, load

TABLES = 4
TABLE_ROWS = 2000


def _csv(n, rows):
    out = io.StringIO()
    out.write("站点,日期,客流,经度,纬度\n")
    for row in range(rows):
        out.write(f"站点{row % 97},2025-{1 + row % 12:02d}-{1 + row % 28:02d},{(row * 37 + n) % 5000},"
                  f"121.{row % 1000:03d},31.{(row * 7) % 1000:03d}\n")
    return out.getvalue().encode()


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def build(count, rng):
    """Load the catalog; returns the targets the locustfile reads."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from access import services as access
    from apikeys import services as key_services
    from apikeys.models import ApiKey, Plan
    from datasets.models import Dataset
    from datasets.services.lifecycle import create_dataset, publish_dataset
    from datasets.services.resources import add_file_resource
    from datastore.models import DatastoreTable
    from enterprises import services as enterprise_services
    from enterprises.credit_code import check_character
    from organizations.models import Membership
    from organizations.services import add_member, save_organization

    load(count, rng)
    users = get_user_model().objects
    admin = users.create_user("load-admin", is_staff=True, is_superuser=True)
    bureau = save_organization(user=admin, data={"slug": "load-bureau", "name_zh": "负载测试局"})
    add_member(user=admin, organization=bureau, member=admin, role=Membership.Role.PUBLISHER)
    reviewer = users.create_user("load-reviewer")
    add_member(user=admin, organization=bureau, member=reviewer, role=Membership.Role.REVIEWER)

    def dataset_with_file(n, grade):
        dataset = create_dataset(user=admin, organization=bureau, data={
            "identifier": f"load-{grade}-{n}", "title": f"{WORDS[n]}客流监测数据 {n}", "open_grade": grade,
            "licence": "cc-by-4.0", "themes": ["transport"], "description": "负载测试"})
        resource = add_file_resource(user=admin, dataset=dataset, uploaded=_upload(f"flow-{n}.csv", _csv(n, TABLE_ROWS)))
        publish_dataset(user=admin, dataset=dataset)
        return dataset, resource

    tables = [dataset_with_file(n, "open")[1].pk for n in range(TABLES)]
    granted_dataset, granted_resource = dataset_with_file(TABLES, "conditional")

    holder = users.create_user("load-holder")
    code = "91310000BENCH0002"  # the alphabet has no I, O, S, V, Z
    profile = enterprise_services.register_enterprise(
        user=holder, name_zh="负载测试企业", credit_code=code + check_character(code), legal_representative="甲",
        contact_name="乙", contact_email="load@example.com")
    enterprise = enterprise_services.verify_enterprise(user=admin, profile=profile).organization
    today = timezone.localdate()
    application = access.apply(user=holder, enterprise=enterprise, dataset=granted_dataset, data={
        "purpose": "客流研究", "intended_use": "统计分析", "data_fields": "客流", "period_start": today,
        "period_end": today + datetime.timedelta(days=90), "terms_accepted": True})
    access.approve(user=reviewer, application=application, terms="仅限研究", expires_on=today + datetime.timedelta(days=30))
    key, token = key_services.issue_key(user=holder, name="load", scopes=["catalog:read", "data:read"],
                                        organization=enterprise)
    unlimited = Plan.objects.create(code="load-unlimited", name_zh="不限", burst_per_second=10**9,
                                    requests_per_minute=10**9, daily_quota=10**9)
    ApiKey.objects.filter(pk=key.pk).update(plan=unlimited)  # as an admin does in the Django admin

    ready = DatastoreTable.objects.filter(resource_id__in=[*tables, granted_resource.pk], status="ready").count()
    if ready != TABLES + 1:
        raise SystemExit(f"only {ready} of {TABLES + 1} datastore tables loaded")
    # What an anonymous visitor may page through and open: published, not restricted.
    listed = Dataset.objects.filter(state="published").exclude(open_grade="restricted")
    return {
        "words": [*WORDS[:12], "客流", "监测数据", "统计"],
        "catalog_pages": max(1, min(50, listed.count() // 20)),
        "datasets": list(listed.order_by("?").values_list("identifier", flat=True)[:500]),
        "tables": tables, "table_rows": TABLE_ROWS, "downloads": tables,
        "granted_dataset": granted_dataset.identifier, "granted_resource": granted_resource.pk, "key": token,
        "static": "/static/portal/portal.css",
    }
