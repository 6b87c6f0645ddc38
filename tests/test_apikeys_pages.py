"""The key pages a person meets: the one-time key with its copy button and an example that works, names translated."""
import html
import re

import pytest
from django.test import Client

from apikeys_support import key_client

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'id="token"[^>]*>(cdp_[0-9a-f]{12}\.[A-Za-z0-9_-]{43})<')
EXAMPLE = re.compile(r'curl -H "Authorization: Api-Key (cdp_[^"]+)" "http://testserver([^"]+)"')


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def issue_on_page(client, prefix="", **fields):
    body = {"name": "网页密钥", "organization": "", "scopes": ["catalog:read"], "allowed_networks": "", **fields}
    response = client.post(f"{prefix}/keys/new/", body)
    assert response.status_code == 200, response.content
    return response.content.decode()


@pytest.mark.parametrize("scopes", [["catalog:read"], ["data:read"], ["contributions:write"]])
def test_the_example_is_a_call_the_new_key_may_make(enterprise, enterprise_admin, graded_datasets, scopes):
    page = issue_on_page(signed_in(enterprise_admin), organization=str(enterprise.pk), scopes=scopes)
    token = TOKEN.search(page)[1]
    example_token, path = EXAMPLE.search(page).groups()
    assert example_token == token  # the key in full, in the example too
    response = key_client(token).get(html.unescape(path))
    assert response.status_code == 200, (path, response.content[:300])
    # A data:read key without a grant is shown an open file, never a conditional or restricted one.
    assert "taxi-trips" not in path and "signal-control" not in path


def test_a_data_key_of_a_granted_enterprise_is_shown_the_granted_file(enterprise_a, enterprise_admin, granted,
                                                                      conditional):
    page = issue_on_page(signed_in(enterprise_admin), organization=str(enterprise_a.organization.pk),
                         scopes=["data:read"])
    token, path = EXAMPLE.search(page).groups()
    assert path == f"/download/resources/{conditional.resources.get().pk}/"
    assert key_client(token).get(path).status_code == 200


def test_the_key_is_selectable_text_with_a_copy_button(citizen):
    page = issue_on_page(signed_in(citizen))
    assert TOKEN.search(page)
    assert re.search(r'<button type="button" class="button" data-copy="#token" hidden', page)
    assert "apikeys/apikeys.js" in page and "apikeys/apikeys.css" in page


@pytest.mark.parametrize("prefix, scope, plan", [("", "读取目录", "免费版"), ("/en", "Read catalogue", "Free")])
def test_scopes_and_plans_by_their_translated_names(citizen, prefix, scope, plan):
    client = signed_in(citizen)
    issued = issue_on_page(client, prefix)
    listing = client.get(f"{prefix}/keys/").content.decode()
    for page in (issued, listing):
        assert scope in page and plan in page
        assert "<code>catalog:read</code>" not in page
    assert scope in client.get(f"{prefix}/keys/new/").content.decode()


def test_the_key_placeholder_is_text_in_english(citizen):
    listing = signed_in(citizen).get("/en/keys/").content.decode()
    assert "Api-Key &lt;key&gt;." in listing and "<key>" not in listing
