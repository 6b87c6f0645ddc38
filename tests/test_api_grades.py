"""The open-grade rules, seen from outside through every catalog API read.

graded_datasets (conftest) are all owned by the transport bureau: an open,
a conditional and a restricted published dataset, plus an open draft.
"""
import pytest

pytestmark = pytest.mark.django_db

CALLERS = ("anonymous", "citizen", "other_publisher", "publisher", "staff")
INSIDERS = {"publisher", "staff"}  # the owning organization's member and platform staff


@pytest.fixture
def client_for(api, api_as, citizen, publisher, other_publisher, staff):
    users = {"citizen": citizen, "publisher": publisher, "other_publisher": other_publisher, "staff": staff}
    return lambda caller: api if caller == "anonymous" else api_as(users[caller])


def visible(caller):
    """Which graded datasets `caller` may know exist."""
    names = {"open", "conditional"}
    return names | {"restricted", "draft"} if caller in INSIDERS else names


def downloadable(caller):
    return {"open", "conditional", "restricted", "draft"} if caller in INSIDERS else {"open"}


@pytest.mark.parametrize("caller", CALLERS)
def test_list_and_its_count(client_for, graded_datasets, caller):
    body = client_for(caller).get("/api/v1/datasets/").json()
    expected = {graded_datasets[name].identifier for name in visible(caller) - {"draft"}}
    assert {item["identifier"] for item in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("state", ["draft", "published"])
def test_state_filter_shows_only_what_the_caller_may_see(client_for, graded_datasets, caller, state):
    body = client_for(caller).get("/api/v1/datasets/", {"state": state}).json()
    expected = {graded_datasets[name].identifier for name in visible(caller)
                if (name == "draft") == (state == "draft")}
    assert {item["identifier"] for item in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("caller", CALLERS)
def test_filters_never_reveal_hidden_datasets(client_for, graded_datasets, caller):
    client = client_for(caller)
    for params in ({"open_grade": "restricted"}, {"q": "Signal"}, {"organization": "transport-bureau"},
                   {"format": "csv"}, {"theme": "transport"}):
        identifiers = {item["identifier"] for item in client.get("/api/v1/datasets/", params).json()["results"]}
        assert ("signal-control" in identifiers) == (caller in INSIDERS), params


@pytest.mark.parametrize("caller", CALLERS)
def test_organization_and_theme_counts(client_for, graded_datasets, caller):
    client = client_for(caller)
    expected = len(visible(caller) - {"draft"})
    organizations = {org["slug"]: org for org in client.get("/api/v1/organizations/").json()["results"]}
    assert organizations["transport-bureau"]["dataset_count"] == expected
    assert client.get("/api/v1/organizations/transport-bureau/").json()["dataset_count"] == expected
    themes = {theme["code"]: theme for theme in client.get("/api/v1/themes/").json()}
    assert themes["transport"]["dataset_count"] == expected


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", ["open", "conditional", "restricted", "draft"])
def test_dataset_detail(client_for, graded_datasets, caller, name):
    dataset = graded_datasets[name]
    response = client_for(caller).get(f"/api/v1/datasets/{dataset.identifier}/")
    if name not in visible(caller):
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404
        return
    body = response.json()
    may_download = name in downloadable(caller)
    assert body["can_download"] is may_download
    assert [resource["can_download"] for resource in body["resources"]] == [may_download]
    assert (body["access_note"] is not None) == (name == "conditional" and not may_download)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", ["open", "conditional", "restricted", "draft"])
def test_resource_detail(client_for, graded_datasets, caller, name):
    resource = graded_datasets[name].resources.get()
    response = client_for(caller).get(f"/api/v1/resources/{resource.pk}/")
    if name not in visible(caller):
        assert response.status_code == 404
        return
    body = response.json()
    assert body["can_download"] is (name in downloadable(caller))
    assert body["dataset"]["identifier"] == graded_datasets[name].identifier
