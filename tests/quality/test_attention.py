"""The publishers' attention list of a department (page and API): who may read it, what it lists, in what order;
and timeliness on the dataset page and in the API detail.

Quality reports, link checks and metadata scores are filled by tasks of other parts of the quality app
that this branch does not have yet: these tests write those rows through the models.
"""
import datetime

import pytest
from django.utils import timezone

from datasets.models import Dataset, ResourceVersion
from datasets.services.resources import add_url_resource
from quality.models import LinkCheck, QualityReport

pytestmark = pytest.mark.django_db

PAGE = "/quality/organizations/transport-bureau/"
API = "/api/v1/quality/organizations/transport-bureau/attention/"


def _day(offset):
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


@pytest.fixture
def needing_attention(make_dataset, publisher, other_publisher, eco_bureau):
    """Transport: one dataset per reason, in shuffled order, and one that is fine; eco: an overdue secret."""
    low = make_dataset("low", title="低分", update_frequency="annual")
    Dataset.objects.filter(pk=low.pk).update(metadata_score=40)
    report = make_dataset("bad-report", title="报告未通过")
    QualityReport.objects.create(version=report.resources.get().current_version, status="done",
                                 report={"valid": False})
    held = make_dataset("held", title="含个人信息")
    masked = make_dataset("restricted-pii", open_grade="restricted", title="不予开放的个人信息")
    ResourceVersion.objects.filter(resource__dataset__in=[held, masked]).update(personal_data_found=True)
    linked = make_dataset("linked", title="链接失效", with_file=False)
    resource = add_url_resource(user=publisher, dataset=linked, data={"url": "https://example.org/gone.csv"})
    LinkCheck.objects.create(resource=resource, checked=timezone.now(), is_broken=True, status_code=404)
    make_dataset("soon", title="即将到期", update_frequency="monthly", next_update_due=_day(2))
    make_dataset("late", title="逾期", update_frequency="monthly", next_update_due=_day(-5), open_grade="restricted")
    make_dataset("fine", update_frequency="monthly")
    make_dataset("eco-secret", user=other_publisher, organization=eco_bureau, open_grade="restricted",
                 update_frequency="daily", next_update_due=_day(-1))
    return resource


def test_only_its_publishers_and_staff_read_the_list(client, api_as, api, needing_attention, publisher,
                                                     other_publisher, enterprise_member, staff, enterprise_a):
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    assert api.get(API).status_code in (401, 403)
    for outsider in (other_publisher, enterprise_member):
        client.force_login(outsider)
        assert client.get(PAGE).status_code == 403
        assert api_as(outsider).get(API).status_code == 403
    client.force_login(staff)
    assert client.get(PAGE).status_code == 200
    assert api_as(staff).get(API).json()["total"] == 6
    assert client.get(f"/quality/organizations/{enterprise_a.organization.slug}/").status_code == 404
    assert client.get("/quality/organizations/no-such-bureau/").status_code == 404
    assert api_as(staff).get("/api/v1/quality/organizations/no-such-bureau/attention/").status_code == 404

    client.force_login(other_publisher)
    assert "eco-secret" in client.get("/quality/organizations/eco-bureau/").content.decode()


def test_overdue_first_then_due_soon_then_each_reason_with_its_fix(client, publisher, needing_attention):
    client.force_login(publisher)
    page = client.get(PAGE).content.decode()
    order = ["late", "soon", "low", "bad-report", "held", "linked"]
    positions = [page.index(f'data-dataset="{identifier}"') for identifier in order]
    assert positions == sorted(positions)
    assert 'data-dataset="fine"' not in page and "eco-secret" not in page
    assert 'data-dataset="restricted-pii"' not in page  # restricted data is never held back: nothing to fix
    assert '<span data-count="overdue">1</span>' in page and '<span data-count="all">6</span>' in page
    assert "更新已逾期" in page and "/datasets/-/edit/late" in page
    assert f"/resources/{needing_attention.pk}/edit/" in page

    only_links = client.get(PAGE, {"reason": "broken_link"}).content.decode()
    assert 'data-dataset="linked"' in only_links and 'data-dataset="late"' not in only_links

    english = client.get("/en" + PAGE).content.decode()
    assert "Datasets needing attention" in english and "Update overdue" in english

    mine = client.get("/datasets/-/mine/").content.decode()
    assert PAGE in mine
    assert PAGE in client.get("/organizations/transport-bureau/").content.decode()
    client.logout()
    assert PAGE not in client.get("/organizations/transport-bureau/").content.decode()


def test_the_api_lists_the_same_with_counts_filters_and_pages(api_as, publisher, needing_attention):
    api = api_as(publisher)
    body = api.get(API, {"page_size": 2}).json()
    assert body["total"] == body["count"] == 6
    assert body["counts"] == {"overdue": 1, "due_soon": 1, "low_score": 1, "failed_report": 1,
                              "personal_data": 1, "broken_link": 1}
    assert [row["identifier"] for row in body["results"]] == ["late", "soon"]
    assert body["results"][0]["issues"][0]["reason"] == "overdue"
    assert body["results"][0]["issues"][0]["fix_url"] == "http://testserver/datasets/-/edit/late"
    assert body["next"]

    filtered = api.get(API, {"reason": "personal_data"}).json()
    assert [row["identifier"] for row in filtered["results"]] == ["held"]
    wrong = api.get(API, {"reason": "bogus"})
    assert wrong.status_code == 400 and "reason" in wrong.json()["error"]["fields"]
    assert api.get(API, {"page": 9}).status_code == 404
    english = api.get(API, {"lang": "en"}).json()
    assert english["results"][0]["issues"][0]["label"] == "Update overdue"


def test_the_dataset_page_and_api_say_whether_it_is_on_time(client, api_as, publisher, needing_attention):
    client.force_login(publisher)
    assert 'data-timeliness="overdue"' in client.get("/datasets/late/").content.decode()
    assert 'data-timeliness="due_soon"' in client.get("/datasets/soon/").content.decode()
    detail = api_as(publisher).get("/api/v1/datasets/late/").json()
    assert detail["timeliness"]["state"] == "overdue"
    assert detail["timeliness"]["due"] == _day(-5)
    assert client.get("/datasets/fine/").status_code == 200
    assert api_as(publisher).get("/api/v1/datasets/fine/").json()["timeliness"]["state"] == "on_time"
