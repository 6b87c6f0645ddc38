"""In a real Chromium: sign up, verify the email by its link, log in, register an enterprise;
a platform admin verifies it; the enterprise admin sees it verified. Also: no page breaks the CSP."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from enterprise_support import CODE_NEW, PDF_BYTES, link_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch_csp(page):
    """Collect Content-Security-Policy violations reported by the page."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def test_sign_up_register_enterprise_and_get_verified(browser, live_server, staff):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = watch_csp(page)

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("用户名").fill("founder")
    page.get_by_label("电子邮件").fill("founder@example.com")
    page.get_by_placeholder("密码", exact=True).fill("Founder-passw0rd!")
    page.get_by_label("密码（重复）").fill("Founder-passw0rd!")
    page.get_by_role("button", name="注册").click()
    assert page.get_by_role("heading", name="请验证您的邮箱").is_visible()

    page.goto(link_in(mail.outbox[-1]).replace("http://testserver", live_server.url))
    page.get_by_role("button", name="确认").click()
    assert page.get_by_text("founder@example.com").is_visible()  # confirmed; allauth then asks to sign in

    page.goto(f"{live_server.url}/accounts/login/?next=/enterprises/register/")
    page.get_by_label("用户名").fill("founder@example.com")
    page.get_by_label("密码").fill("Founder-passw0rd!")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/enterprises/register/")
    page.get_by_label("企业名称").fill("示例数据科技有限公司")
    page.get_by_label("统一社会信用代码").fill(CODE_NEW)
    page.get_by_label("法定代表人").fill("王五")
    page.get_by_label("营业执照").set_input_files({"name": "licence.pdf", "mimeType": "application/pdf",
                                                "buffer": PDF_BYTES})
    page.get_by_role("textbox", name="联系人", exact=True).fill("赵六")
    page.get_by_label("联系邮箱").fill("contact@example.com")
    page.get_by_role("button", name="提交认证申请").click()
    # Sent with a progress bar: wait for the page it leads to.
    expect(page.locator(".enterprise-status").get_by_text("待审核")).to_be_visible()
    enterprise_url = page.url
    context.close()

    # A platform admin verifies it on the review page.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations += watch_csp(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/enterprises/review/")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("pw-staff")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="通过 示例数据科技有限公司").click()
    assert page.get_by_text("没有待审核的企业。").is_visible()
    context.close()

    # The enterprise admin sees it verified.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/enterprises/")
    page.get_by_label("用户名").fill("founder")
    page.get_by_label("密码").fill("Founder-passw0rd!")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="示例数据科技有限公司").click()
    assert page.url == enterprise_url
    assert page.locator(".enterprise-status").get_by_text("已认证").is_visible()
    page.screenshot(path="/tmp/portal-enterprise.png", full_page=True)
    context.close()
    assert violations == []
