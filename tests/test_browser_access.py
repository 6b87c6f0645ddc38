"""In a real Chromium: an enterprise applies for a conditional dataset, the department's reviewer approves it."""
import pytest
from access_support import days
from browser_support import log_in
from django.core import mail

from access.models import AccessApplication, Grant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]



def test_enterprise_applies_and_reviewer_approves(browser, live_server, make_dataset, enterprise_a, enterprise_admin,
                                                  reviewer):
    make_dataset("taxi-trips", open_grade="conditional", title="出租车行程")
    violations = []

    # The enterprise admin finds the apply button on the dataset page and applies.
    context, page = log_in(browser, live_server, "ent_admin", "/datasets/taxi-trips/", violations)
    page.get_by_role("link", name="申请使用数据").click()
    page.get_by_label("申请目的").fill("研究早晚高峰出租车供需")
    page.get_by_label("使用方式").fill("在内网统计分析，不对外提供原始数据")
    page.get_by_label("使用期限起").fill(days(0))
    page.get_by_label("使用期限止").fill(days(60))
    page.get_by_label("我已阅读并接受该数据集的使用条款和许可协议").check()
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_text("申请已提交，请等待数据提供部门审核。").is_visible()
    assert page.locator(".badge").get_by_text("待审核").is_visible()
    application = AccessApplication.objects.get()
    assert mail.outbox[-1].to == [reviewer.email]
    context.close()

    # The reviewer opens it from the queue and approves it with terms and an expiry.
    context, page = log_in(browser, live_server, "reviewer", "/access/review/", violations)
    page.get_by_role("link", name="出租车行程").click()
    assert page.get_by_text("研究早晚高峰出租车供需").is_visible()
    page.get_by_label("使用条款").fill("仅限研究使用，不得转让")
    page.get_by_label("授权到期日期").fill(days(30))
    page.get_by_role("button", name="批准申请").click()
    assert page.get_by_text("已批准，授权已生效。").is_visible()
    page.screenshot(path="/tmp/access-approved.png", full_page=True)
    context.close()

    application.refresh_from_db()
    assert application.status == AccessApplication.Status.APPROVED
    assert Grant.objects.get(application=application).terms == "仅限研究使用，不得转让"
    assert enterprise_admin.email in mail.outbox[-1].to

    # The enterprise sees its grant.
    context, page = log_in(browser, live_server, "ent_admin", "/access/", violations)
    assert page.get_by_role("cell", name="生效中").is_visible()
    context.close()
    assert violations == []
