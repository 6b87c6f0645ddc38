"""Anonymous search statistics: recorded by the API and the page, shown to staff only."""
import re

import pytest
from django.utils import timezone

from searchstats.models import QueryStat

pytestmark = pytest.mark.django_db


def stats():
    return {row.text: (row.count, row.zero_result_count) for row in QueryStat.objects.all()}


def test_searches_are_counted_per_normalized_text_without_personal_data(client, api, api_as, citizen, db_catalog):
    api.get("/api/v1/search/", {"q": "公交"})
    api_as(citizen).get("/api/v1/search/", {"q": "  ＢＵＳ　Routes "})
    client.get("/search/", {"q": "bus routes"})
    client.get("/en/search/", {"q": "nothing-matches-this"})
    client.get("/search/", {"q": "公交\t"})
    assert stats() == {"公交": (2, 0), "bus routes": (2, 0), "nothing-matches-this": (1, 1)}
    # Only the text, the day and counters are stored: nothing about who searched.
    assert {field.name for field in QueryStat._meta.get_fields()} == {"id", "day", "text", "count",
                                                                      "zero_result_count"}
    assert set(QueryStat.objects.values_list("day", flat=True)) == {timezone.localdate()}


def test_browsing_later_pages_and_bad_requests_are_not_counted(client, api, db_catalog):
    api.get("/api/v1/search/", {"q": "公交", "page": 2})
    api.get("/api/v1/search/", {"theme": "transport"})
    api.get("/api/v1/search/", {"q": "   "})
    api.get("/api/v1/search/", {"q": "公交", "bbox": "bad"})
    assert client.get("/search/", {"q": "公交\x00\x07"}).status_code == 400
    client.get("/search/", {"q": "公交", "page": 2})
    api.get("/api/v1/search/suggest/", {"q": "公交"})
    assert stats() == {}


def test_admin_changelist_sorted_by_count_for_staff_only(client, api, staff, citizen, db_catalog):
    for text, times in (("地铁", 1), ("公交", 3), ("停车", 2)):
        for _ in range(times):
            api.get("/api/v1/search/", {"q": text})
    url = "/admin/searchstats/querystat/"
    client.force_login(citizen)
    assert client.get(url).status_code == 302
    client.force_login(staff)
    html = client.get(url).content.decode()
    texts = re.findall(r'<th class="field-text"><a [^>]*>([^<]+)</a>', html)
    assert texts == ["公交", "停车", "地铁"]


def test_insights_page_is_for_staff_only(client, api, staff, citizen, publisher, db_catalog):
    api.get("/api/v1/search/", {"q": "公交"})
    api.get("/api/v1/search/", {"q": "zzz-no-such-thing"})
    url = "/search/insights/"
    assert client.get(url).status_code == 302  # to the login page
    for user in (citizen, publisher):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(staff)
    html = client.get(url, {"days": 7}).content.decode()
    popular, zero = html.split('id="zero-title"')
    assert "公交" in popular and "zzz-no-such-thing" in popular
    assert "zzz-no-such-thing" in zero and "公交" not in zero
    assert client.get(url, {"days": "lots"}).status_code == 200


def test_long_queries_wrap_on_the_insights_page(client, api, staff, db_catalog):
    query = "非常长的搜索词" * 12
    api.get("/api/v1/search/", {"q": query})
    client.force_login(staff)
    body = client.get("/search/insights/").content.decode()
    assert re.search(r'<td class="wrap-text"><a href="[^"]+">' + query + "</a>", body)
