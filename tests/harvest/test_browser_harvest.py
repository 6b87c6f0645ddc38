"""In a real Chromium: a department admin creates a CKAN and a data.json source, dry-runs, runs, reads the
report, and finds the harvested datasets with their provenance in the catalog and in search.

The CKAN source is this live portal's own Action API (another department's open datasets); the data.json
one is the real CFPB catalog (../shared/data/catalogs/) served over loopback.
"""
import gzip
import json
import re

import pytest
from browser_support import log_in
from catalog_files import CATALOGS
from playwright.sync_api import expect

from datasets.models import Dataset
from harvest.models import HarvestSource
from search.backends import get_search_backend

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]



def create_source(page, *, name, kind, url, config=""):
    page.get_by_role("link", name="新建采集来源").click()
    page.get_by_label("名称").fill(name)
    page.get_by_label("目标组织").select_option("transport-bureau")
    page.get_by_label("来源类型").select_option(kind)
    page.get_by_label("来源网址").fill(url)
    if config:
        page.get_by_label("类型设置").fill(config)
    page.get_by_label("默认开放等级").select_option("open")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_a_department_admin_harvests_a_ckan_and_a_data_json_source(browser, live_server, loopback, org_admin,
                                                                    make_seed_catalog):
    make_seed_catalog()
    get_search_backend().rebuild()
    catalog = (CATALOGS / "us-federal-consumerfinance.data.json.gz").read_bytes()
    records = len(json.loads(gzip.decompress(catalog))["dataset"])
    data_json = loopback.serve("/cfpb/data.json", gzip.decompress(catalog))
    context, page = log_in(browser, live_server, org_admin.username, "/harvest/")

    # data.json: a dry run shows what would happen and writes nothing; the run creates every record.
    create_source(page, name="CFPB data.json", kind="data-json", url=data_json)
    page.get_by_role("button", name="试运行").click()
    preview = page.locator("section[aria-labelledby=preview-title] tbody tr")
    expect(preview).to_have_count(records)
    expect(preview.filter(has_text="Consumer Complaint Database")).to_contain_text("新建")
    assert not Dataset.objects.filter(harvested__isnull=False).exists()
    page.get_by_role("link", name="CFPB data.json").click()
    page.get_by_role("button", name="立即运行").click()
    expect(page.locator("#job-status")).to_have_text(re.compile("已完成"))
    job = HarvestSource.objects.get(name="CFPB data.json").jobs.get(dry_run=False)
    assert job.read == records and job.created_count >= records - 1
    page.get_by_label("结果").select_option("created")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("row").filter(has_text="Consumer Complaint Database").get_by_role("link", name="数据集").click()
    expect(page.locator("#harvest-provenance-title")).to_be_visible()
    assert "CFPB data.json" in page.locator(".provenance").inner_text()

    # CKAN: this portal's own Action API, the eco bureau's open datasets; their identifiers are taken
    # here, so they come in under the source's variant of them.
    page.goto(f"{live_server.url}/harvest/")
    create_source(page, name="生态环境局 CKAN", kind="ckan", url=f"{live_server.url}/api/3/action/",
                  config='{"organization": "eco-bureau"}')
    page.get_by_role("button", name="立即运行").click()
    expect(page.locator("#job-status")).to_have_text("已完成")
    source = HarvestSource.objects.get(name="生态环境局 CKAN")
    job = source.jobs.get()
    assert (job.created_count, job.failed_count) == (1, 0)
    page.get_by_role("link", name="数据集").first.click()
    assert page.url.endswith(f"/datasets/air-quality-h{source.pk}/")
    provenance = page.locator(".provenance").inner_text()
    assert "生态环境局 CKAN" in provenance and "原始页面" in provenance

    page.goto(f"{live_server.url}/search/?q=Consumer+Complaint")
    expect(page.get_by_role("link", name="Consumer Complaint Database").first).to_be_visible()
    context.close()
