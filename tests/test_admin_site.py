"""The admin as staff meet it: titled for the portal, sections told apart, contributions and loads read-only."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from contributions.models import Contribution
from contributions_support import CONTRIBUTIONS, new_dataset_body
from datastore.models import DatastoreTable
from datastore_support import add_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_the_index_is_titled_for_the_portal_with_distinct_sections(admin_client):
    body = admin_client.get("/admin/").content.decode()
    for word in ("城市公共数据开放平台 · 管理后台", "平台管理", "用户账户", "登录邮箱", "企业数据贡献", "数据表服务"):
        assert word in body, word
    assert ">账户<" not in body


def test_the_titles_have_english_names():
    """The admin is served unprefixed, so in the default language; its names are translated all the same."""
    with translation.override("en"):
        assert str(admin.site.site_header) == "City Open Data Portal · Administration"
        assert {str(apps.get_app_config(label).verbose_name) for label in ("accounts", "account")} == {
            "User accounts", "Sign-in e-mail addresses"}


def test_contributions_are_listed_and_shown_read_only(admin_client, call, contributor, enterprise_a, transport_bureau):
    created = call(contributor, "post", CONTRIBUTIONS,
                   new_dataset_body(enterprise_a.organization, transport_bureau), format="multipart")
    assert created.status_code == 201, created.content
    contribution = Contribution.objects.get()
    listing = admin_client.get(reverse("admin:contributions_contribution_changelist"))
    assert listing.status_code == 200 and contribution.title in listing.content.decode()
    page = admin_client.get(reverse("admin:contributions_contribution_change", args=[contribution.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:contributions_contribution_add")).status_code == 403
    status = contribution.status
    admin_client.post(reverse("admin:contributions_contribution_change", args=[contribution.pk]), {"status": "merged"})
    contribution.refresh_from_db()
    assert contribution.status == status


def test_datastore_loads_are_listed_and_shown_read_only(admin_client, django_capture_on_commit_callbacks, publisher,
                                                        make_dataset):
    add_table(django_capture_on_commit_callbacks, publisher, make_dataset("metro", with_file=False))
    table = DatastoreTable.objects.get()
    listing = admin_client.get(reverse("admin:datastore_datastoretable_changelist"))
    assert listing.status_code == 200 and table.table_name in listing.content.decode()
    page = admin_client.get(reverse("admin:datastore_datastoretable_change", args=[table.pk])).content.decode()
    assert "客流 (integer)" in page and 'name="_save"' not in page
    assert admin_client.post(reverse("admin:datastore_datastoretable_delete", args=[table.pk]),
                             {"post": "yes"}).status_code == 403
    assert DatastoreTable.objects.filter(pk=table.pk).exists()
