"""In a real Chromium: the one-time key's copy button, and upload forms with a progress bar and their size limit."""
import pytest
from django.test import Client
from playwright.sync_api import expect

from datasets.models import Resource

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def signed_in_page(browser, live_server, user, **options):
    """A page whose browser holds `user`'s session (made by Django's test client, as a login would)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.policy_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.policy_violations.append(message.text))
    return page


@pytest.mark.parametrize("prefix, labels", [
    ("", {"create": "创建密钥", "copy": "复制密钥", "copied": "已复制"}),
    ("/en", {"create": "Create key", "copy": "Copy the key", "copied": "Copied"}),
])
def test_the_copy_button_copies_the_whole_key(browser, live_server, citizen, prefix, labels):
    page = signed_in_page(browser, live_server, citizen, permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}{prefix}/keys/new/")
    page.locator("input[name='name']").fill("browser key")
    page.locator("input[name='scopes'][value='catalog:read']").check()
    page.get_by_role("button", name=labels["create"]).click()
    token = page.locator("#token").inner_text().strip()
    assert token.startswith("cdp_") and len(token) > 50
    page.get_by_role("button", name=labels["copy"]).click()
    expect(page.locator("[data-role='copy-status']")).to_have_text(labels["copied"])
    assert page.evaluate("navigator.clipboard.readText()") == token
    assert token in page.locator("[data-role='example']").inner_text()
    assert page.policy_violations == []
    page.context.close()


def test_an_upload_shows_its_progress_and_refuses_a_file_over_the_limit(browser, live_server, publisher,
                                                                         make_dataset, settings):
    dataset = make_dataset("metro-stations", with_file=False)
    settings.RESOURCE_MAX_UPLOAD_BYTES = 4096
    page = signed_in_page(browser, live_server, publisher)
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.resource_type))
    page.goto(f"{live_server.url}/datasets/-/add-resource/{dataset.identifier}")
    expect(page.locator(".upload-limit")).to_contain_text("4.0 KB")

    # Too large: said at once, nothing sent.
    page.get_by_label("上传文件").set_input_files({"name": "big.csv", "mimeType": "text/csv",
                                                "buffer": b"a,b\n" + b"1,2\n" * 2000})
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-upload-progress]")).to_contain_text("文件太大")
    assert posts == []

    # Within the limit: sent by XMLHttpRequest, and the page the form leads to is opened.
    page.get_by_label("上传文件").set_input_files({"name": "small.csv", "mimeType": "text/csv",
                                                "buffer": b"a,b\n1,2\n3,4\n"})
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/datasets/{dataset.identifier}/")
    assert posts == ["xhr"]
    assert Resource.objects.filter(dataset=dataset, name="small.csv").exists()
    assert page.policy_violations == []
    page.context.close()


def test_a_refused_upload_shows_the_form_with_its_error(browser, live_server, publisher, make_dataset):
    dataset = make_dataset("metro-stations", with_file=False)
    page = signed_in_page(browser, live_server, publisher)
    page.goto(f"{live_server.url}/datasets/-/add-resource/{dataset.identifier}")
    page.get_by_label("上传文件").set_input_files({"name": "data.csv", "mimeType": "text/csv", "buffer": b""})
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errorlist")).to_be_visible()
    assert not Resource.objects.filter(dataset=dataset).exists()
    page.context.close()
