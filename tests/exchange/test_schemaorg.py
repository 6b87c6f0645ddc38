"""schema.org JSON-LD on the public pages: a Dataset on each public dataset's page, a DataCatalog on the home page."""
import pytest
from catalog_formats_support import HIDDEN, HOST, ROOT, json_ld

pytestmark = pytest.mark.django_db


def page(client, path, status=200):
    response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == status
    return response


def described(client, path):
    documents = json_ld(page(client, path))
    assert len(documents) == 1
    return documents[0]


def test_a_public_dataset_page_describes_the_dataset(client, catalog):
    document = described(client, "/datasets/road-counts/")
    dataset, file = catalog["full"], catalog["full"].resources.get(kind="file")
    assert (document["@context"], document["@type"]) == ("https://schema.org", "Dataset")
    assert document["url"] == document["@id"] == f"{ROOT}/datasets/road-counts/"
    assert (document["name"], document["description"]) == ("道路流量", "主要道路的车流量。")  # Markdown as text
    assert (document["identifier"], document["keywords"]) == ("road-counts", ["交通", "流量"])
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    organization = {"@type": "Organization", "name": "市交通委员会", "url": f"{ROOT}/organizations/transport-bureau/"}
    assert document["creator"] == document["publisher"] == organization
    assert document["dateModified"] == dataset.modified.replace(microsecond=0).isoformat()
    assert document["datePublished"] == dataset.published_at.replace(microsecond=0).isoformat()
    assert document["temporalCoverage"] == "2020-01-01/2024-12-31"
    # schema.org's box is "south west north east" (lat lon), the stored bbox [west, south, east, north].
    assert document["spatialCoverage"] == {"@type": "Place", "name": "市区",
                                           "geo": {"@type": "GeoShape", "box": "30.7 121.1 31.5 122.05"}}
    assert document["isAccessibleForFree"] is True and "conditionsOfAccess" not in document
    assert document["distribution"][0] == {"@type": "DataDownload", "name": file.name, "encodingFormat": "text/csv",
                                           "contentUrl": f"{ROOT}/download/resources/{file.pk}/"}
    assert document["distribution"][1] == {"@type": "DataDownload", "name": "在线接口", "encodingFormat": "HTML",
                                           "contentUrl": "https://example.org/api/road"}
    assert document["includedInDataCatalog"] == {"@type": "DataCatalog", "name": "城市公共数据开放平台", "url": f"{ROOT}/"}
    assert document["inLanguage"] == "zh-Hans"


def test_the_english_page_describes_it_in_english(client, catalog):
    document = described(client, "/en/datasets/road-counts/")
    assert (document["name"], document["description"], document["keywords"]) == (
        "Road counts", "Traffic on main roads.", ["traffic"])
    assert document["inLanguage"] == "en" and document["creator"]["name"] == "Municipal Transport Commission"


def test_a_conditional_dataset_says_how_to_apply_and_gives_no_data_url(client, catalog):
    document = described(client, "/datasets/taxi-trips/")
    assert document["isAccessibleForFree"] is False
    assert f"{ROOT}/access/apply/taxi-trips" in document["conditionsOfAccess"]
    assert [set(item) for item in document["distribution"]] == [{"@type", "name", "encodingFormat"}] * 2
    assert "/download/" not in str(document) and "contentUrl" not in str(document)


def test_only_the_public_catalog_is_described_even_to_its_publisher(client, catalog, publisher, other_publisher, staff):
    shown = set()
    for user in (publisher, other_publisher, staff):
        client.force_login(user)
        for key in HIDDEN:
            response = client.get(f"/datasets/{catalog[key].identifier}/", HTTP_HOST=HOST)
            if response.status_code == 200:  # their own organization's, or staff
                shown.add(key)
                assert "application/ld+json" not in response.content.decode()
        assert len(json_ld(page(client, "/datasets/road-counts/"))) == 1
    assert shown == set(HIDDEN)
    client.logout()
    for key in HIDDEN:
        page(client, f"/datasets/{catalog[key].identifier}/", status=404)


def test_an_archived_dataset_is_not_described(client, make_dataset):
    make_dataset("old-routes", state="archived")
    assert json_ld(page(client, "/datasets/old-routes/")) == []


def test_text_cannot_close_the_script_block(client, make_dataset):
    hostile = '</script><script>alert(1)</script><!--'
    make_dataset("hostile", title=hostile, keywords=["</SCRIPT>", "&amp;"],
                 description="`</script>` & <script>alert(2)</script>")
    response = page(client, "/datasets/hostile/")
    html = response.content.decode()
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script and "&" not in script
    document = json_ld(response)[0]
    assert document["name"] == hostile and document["keywords"] == ["</SCRIPT>", "&amp;"]
    assert document["description"] == "</script> &"  # the code span's text; the raw script is gone


def test_the_home_page_describes_the_catalog(client, catalog):
    assert described(client, "/") == {"@context": "https://schema.org", "@type": "DataCatalog",
                                      "name": "城市公共数据开放平台", "url": f"{ROOT}/", "inLanguage": "zh-Hans"}
    assert described(client, "/en/")["inLanguage"] == "en"
