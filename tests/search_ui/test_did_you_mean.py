"""'Did you mean': a query with a word the index does not hold is answered with its corrections,
in the API (`did_you_mean`) and on the search page (a link to the corrected query), on every backend,
and never from words of datasets the visitor may not see."""
import pytest
from search_ui_support import identifiers

pytestmark = pytest.mark.django_db


def test_the_api_answers_a_typo_with_the_corrected_query(client, catalog):
    body = client.get("/api/v1/search/", {"q": "bus routse"}).json()
    assert identifiers(body)[0] == "bus-routes"
    assert body["did_you_mean"] == "bus routes"
    assert client.get("/api/v1/search/", {"q": "bus routes"}).json()["did_you_mean"] is None


def test_words_of_restricted_datasets_are_never_suggested(client, catalog, staff):
    # "signal control" names only a restricted dataset: staff are corrected to it, a visitor is not.
    body = client.get("/api/v1/search/", {"q": "signal contrl"}).json()
    assert (body["count"], body["did_you_mean"]) == (0, None)
    client.force_login(staff)
    body = client.get("/api/v1/search/", {"q": "signal contrl"}).json()
    assert (identifiers(body), body["did_you_mean"]) == (["signal-control"], "signal control")


@pytest.mark.parametrize("prefix, says", [("", "您是不是要找："), ("/en", "Did you mean:")])
def test_the_page_links_the_corrected_query(client, catalog, prefix, says):
    page = client.get(f"{prefix}/search/", {"q": "bus routse", "format": "CSV"}).content.decode()
    assert says in page
    assert 'class="did-you-mean"' in page and ">bus routes</a>" in page
    assert "q=bus+routes" in page and "format=CSV" in page
