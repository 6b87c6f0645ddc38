"""The catalog's counts are cached (datasets.catalog_counts): right after a publish, an archive or a regrade
they are counted afresh, a count is never one viewer's answer for another, and the API list reads its page
as rows whose entries are the detail's fields."""
import re
import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from datasets.models import Dataset
from datasets.services.lifecycle import publish_dataset
from datasets.services.resources import add_url_resource
from facet_support import facet

pytestmark = pytest.mark.django_db

LIST = "/api/v1/datasets/"


def page(client, **params):
    response = client.get("/datasets/", params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def total(html):
    return int(re.search(r'class="results-count"[^>]*>共 ([\d,]+) 个数据集', html).group(1).replace(",", ""))


def listed_count(api, **params):
    response = api.get(LIST, params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_counts_follow_a_publish_an_archive_and_a_regrade_through_the_api(client, api, api_as, publisher,
                                                                          graded_datasets):
    as_publisher = api_as(publisher)
    before = page(client)
    assert (total(before), listed_count(api)) == (2, 2)
    assert facet(before, "open_grade") == {"无条件开放": (1, False), "有条件开放": (1, False)}

    assert as_publisher.post(f"{LIST}draft-counts/publish/").status_code == 200
    published = page(client)
    assert (total(published), listed_count(api), listed_count(api, format="CSV")) == (3, 3, 3)
    assert facet(published, "open_grade") == {"无条件开放": (2, False), "有条件开放": (1, False)}
    assert facet(published, "organization") == {"市交通委员会": (3, False)}

    assert as_publisher.post(f"{LIST}bus-routes/archive/").status_code == 200
    archived = page(client)
    assert (total(archived), listed_count(api)) == (2, 2)
    assert facet(archived, "open_grade") == {"无条件开放": (1, False), "有条件开放": (1, False)}

    assert as_publisher.patch(f"{LIST}taxi-trips/", {"open_grade": "restricted"}, format="json").status_code == 200
    regraded = page(client)
    assert (total(regraded), listed_count(api)) == (1, 1)
    assert facet(regraded, "open_grade") == {"无条件开放": (1, False)}
    assert facet(regraded, "format") == {"CSV": (1, False)}
    # Its department still counts it, as restricted.
    assert listed_count(as_publisher, open_grade="restricted") == 2


def test_a_count_is_never_one_viewer_s_answer_for_another(client, api, api_as, publisher, other_publisher,
                                                          graded_datasets):
    anonymous_page = page(client, format="CSV")
    assert total(anonymous_page) == 2
    assert facet(anonymous_page, "open_grade") == {"无条件开放": (1, False), "有条件开放": (1, False)}

    member = Client()
    member.force_login(publisher)
    own = page(member, format="CSV")
    assert total(own) == 3
    assert facet(own, "open_grade") == {"无条件开放": (1, False), "有条件开放": (1, False), "不予开放": (1, False)}
    assert listed_count(api_as(publisher)) == 3

    outsider = Client()
    outsider.force_login(other_publisher)
    assert total(page(outsider, format="CSV")) == 2
    assert listed_count(api_as(other_publisher)) == 2

    # The member's counts, cached last, never reach the public.
    again = page(client, format="CSV")
    assert total(again) == 2 and facet(again, "open_grade") == facet(anonymous_page, "open_grade")
    assert listed_count(api) == 2


@pytest.mark.django_db(transaction=True)
def test_counts_read_while_a_publish_commits_are_not_kept(publisher, make_dataset):
    """A request counting while the publishing transaction is still open sees the catalog before it;
    those counts must not outlive the commit."""
    make_dataset("bus-routes")
    draft = make_dataset("metro", state=Dataset.State.DRAFT)
    counted = {}

    def count_elsewhere():  # another connection: it sees only what is committed
        try:
            html = page(Client())
            counted["during"] = (total(html), facet(html, "organization"))
        finally:
            connection.close()

    with transaction.atomic():
        publish_dataset(user=publisher, dataset=draft)
        reader = threading.Thread(target=count_elsewhere)
        reader.start()
        reader.join()
    assert counted["during"] == (1, {"市交通委员会": (1, False)})
    after = page(Client())
    assert (total(after), facet(after, "organization")) == (2, {"市交通委员会": (2, False)})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_list_entry_is_what_the_detail_says(api, make_dataset, publisher, lang):
    dataset = make_dataset(
        "交通/2024:q1.v2", title="路况", title_en="Traffic", description="季度路况", keywords=["拥堵", "路况"],
        keywords_en=["congestion"], themes=["transport-road", "transport", "environment-air"], licence="cc0-1.0")
    add_url_resource(user=publisher, dataset=dataset, data={"url": "https://example.org/roads.json"},
                     claimed_format="json")
    make_dataset("no-licence", licence="", themes=[], with_file=False)
    entries = {entry["identifier"]: entry for entry in api.get(LIST, {"lang": lang}).json()["results"]}
    for identifier, entry in entries.items():
        detail = api.get(entry["url"], {"lang": lang})
        assert detail.status_code == 200, entry["url"]
        assert {key: detail.json()[key] for key in entry} == entry
    road = entries["交通/2024:q1.v2"]
    assert road["formats"] == ["CSV", "JSON"]
    assert {theme["code"] for theme in road["themes"]} == {"transport", "transport-road", "environment-air"}
    assert entries["no-licence"]["licence"] is None and entries["no-licence"]["themes"] == []
