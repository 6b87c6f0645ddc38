"""The API list's entries and bytes: datasets.selectors.list_entries reads a page as rows through one
statement, DatasetListSerializer writes them with the language, time zone and date format resolved once,
core.renderers.FastJSONRenderer encodes them. For every language and viewer each entry is what the
detail (DRF's field-by-field serializer) says, and the answer is the bytes DRF's own renderer writes."""
import datetime
import decimal
import json
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from core.renderers import FastJSONRenderer
from datasets.models import Theme
from datasets.serializers import datetime_writer
from datasets.services.resources import add_url_resource

pytestmark = pytest.mark.django_db

LIST = "/api/v1/datasets/"
# Every way of asking for a language: the default (Chinese), `lang`, Accept-Language.
ASKS = [({}, {}), ({"lang": "zh"}, {}), ({"lang": "en"}, {}), ({}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"})]


@pytest.fixture
def varied(make_dataset, make_org, publisher, staff):
    """Datasets whose texts take each side of the localization rule, in organizations, themes and
    licences with and without English, one restricted to its department, one a draft."""
    plain = make_org("plain-bureau", name_zh="市档案局")  # no English name
    Theme.objects.filter(code="environment-air").update(name_en="")
    road = make_dataset("交通/2024:q1.v2", title="路况", title_en="Traffic", description="季度路况",
                        keywords=["拥堵", "路况"], keywords_en=["congestion"],
                        themes=["transport-road", "transport", "environment-air"], licence="cc0-1.0")
    add_url_resource(user=publisher, dataset=road, data={"url": "https://example.org/roads.json"},
                     claimed_format="json")
    make_dataset("english-only", title="仅中文标题", description="", description_en="Only in English",
                 keywords=[], keywords_en=["english", "only"], with_file=False)
    make_dataset("separators", title="行\u2028分隔\u2029 \"引号\" </script> \\ \t", title_en="",
                 licence="", themes=[], with_file=False)
    make_dataset("archives", user=staff, organization=plain, title="档案目录", themes=["environment-air"])
    make_dataset("department-only", open_grade="restricted", title="内部台账", title_en="Internal ledger")
    make_dataset("draft-counts", state="draft", title="草稿")


def entries(client, params, headers):
    response = client.get(LIST, {"page_size": 100, **params}, **headers)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("params, headers", ASKS)
@pytest.mark.parametrize("viewer", ["anonymous", "publisher"])
def test_each_entry_is_what_the_detail_says_in_every_language(api, api_as, publisher, varied, params, headers,
                                                              viewer):
    client = api_as(publisher) if viewer == "publisher" else api
    listed = entries(client, params, headers).json()["results"]
    identifiers = {entry["identifier"] for entry in listed}
    assert "draft-counts" not in identifiers
    assert ("department-only" in identifiers) == (viewer == "publisher")  # grades hidden from outsiders
    assert len(listed) == (4 if viewer == "anonymous" else 5)
    for entry in listed:
        detail = client.get(entry["url"], params, **headers)
        assert detail.status_code == 200, entry["url"]
        assert {key: detail.json()[key] for key in entry} == entry


def test_drafts_and_orders_read_the_same_entries_as_the_detail(api_as, publisher, varied):
    client = api_as(publisher)
    for params in ({"state": "draft"}, {"ordering": "title"}, {"ordering": "-download_count,title"},
                   {"theme": "environment"}, {"q": "%"}, {"q": "路况"}):
        listed = entries(client, params, {}).json()["results"]
        for entry in listed:
            assert {key: client.get(entry["url"]).json()[key] for key in entry} == entry, params
    assert [entry["identifier"] for entry in entries(client, {"state": "draft"}, {}).json()["results"]] == [
        "draft-counts"]
    assert entries(client, {"q": "路况"}, {}).json()["count"] == 1


@pytest.mark.parametrize("params, headers", ASKS)
def test_the_answer_is_the_bytes_drfs_renderer_writes(api, varied, params, headers):
    response = entries(api, params, headers)
    assert response.content == JSONRenderer().render(response.json())
    # Compact, non-ASCII as UTF-8, the two line separators escaped.
    assert "路况".encode() in response.content and b"\\u2028" in response.content
    assert "\u2028".encode() not in response.content


WRITTEN_AS_DRF_DOES = [
    datetime.datetime(2024, 3, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC), datetime.date(2024, 3, 1),
    datetime.time(8, 30, 15, 250000), datetime.timedelta(hours=2), decimal.Decimal("12.50"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"), gettext_lazy("开放"), 2 ** 70, {1: "a", None: "b"},
    [1, 2.5, None, True, "é\u2028\u2029\x01\t\x7f"], (1, 2), b"bytes",
]


@pytest.mark.parametrize("value", WRITTEN_AS_DRF_DOES, ids=repr)
def test_the_fast_renderer_writes_drfs_bytes(value):
    data = {"value": value}
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)
    indented = "application/json; indent=4"  # the browsable API's: DRF's renderer itself
    assert FastJSONRenderer().render(data, indented) == JSONRenderer().render(data, indented)


def test_the_fast_renderer_writes_the_same_numbers():
    # orjson writes a float's shortest form without a "+" or a leading zero in the exponent (1e16, 1e-7).
    data = {"value": [1e16, 1e-07, 0.1, 123456.789]}
    assert json.loads(FastJSONRenderer().render(data)) == json.loads(JSONRenderer().render(data)) == data


def test_the_fast_renderer_refuses_what_drf_refuses():
    with pytest.raises(TypeError):
        JSONRenderer().render({"value": object()})
    with pytest.raises(TypeError):
        FastJSONRenderer().render({"value": object()})


ZONES = [datetime.UTC, zoneinfo.ZoneInfo("Asia/Shanghai"), zoneinfo.ZoneInfo("America/New_York")]
MOMENTS = [
    datetime.datetime(2024, 3, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC),
    datetime.datetime(2024, 7, 1, 23, 59, 59, tzinfo=datetime.UTC),  # no microseconds; summer time in New York
    datetime.datetime(1988, 6, 1, 12, 0, tzinfo=datetime.UTC),  # summer time in Shanghai then
    datetime.datetime(2024, 3, 1, 8, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
    datetime.datetime(2024, 3, 1, 8, 30),  # naive: DRF's own handling
    None,
]


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_the_list_writes_datetimes_as_drfs_field_does(zone):
    write, field = datetime_writer(zone), serializers.DateTimeField(default_timezone=zone)
    for moment in MOMENTS:
        assert write(moment) == (None if moment is None else field.to_representation(moment)), moment
