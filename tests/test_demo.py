"""manage.py load_demo: a real, idempotent demo catalog that needs nothing outside the repo."""
import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import datasets

DEMO_FILES = Path(datasets.__file__).resolve().parent / "demo"


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def listed(client, **params):
    return client.get("/api/v1/datasets/", params).json()


@pytest.fixture
def demo(db):
    return load_demo()


def test_a_second_run_changes_nothing(demo, api_as, django_user_model):
    assert "Created user admin / admin-demo-2026" in demo
    admin = django_user_model.objects.get(username="admin")
    staff_api = api_as(admin)
    before = staff_api.get("/api/v1/datasets/", {"page_size": 100}).json()
    second = load_demo()
    assert "0 datasets created" in second and "Created user" not in second
    after = staff_api.get("/api/v1/datasets/", {"page_size": 100}).json()
    assert before == after
    identifiers = [item["identifier"] for item in after["results"]]
    assert len(identifiers) == len(set(identifiers)) == after["count"] == 13  # published only, no duplicates
    for identifier in ("demo-school-stages", "demo-holidays-2024"):  # the draft and the archived one
        assert staff_api.get(f"/api/v1/datasets/{identifier}/").status_code == 200
    organizations = staff_api.get("/api/v1/organizations/").json()
    slugs = [org["slug"] for org in organizations.get("results", organizations)]
    assert len(slugs) == len(set(slugs)) == 7


def test_anonymous_callers_see_open_and_conditional_but_not_restricted_or_drafts(demo, api, api_as,
                                                                                   django_user_model):
    grades = {item["identifier"]: (item["open_grade"], item["state"])
              for item in listed(api, page_size=100)["results"]}
    assert grades["demo-provinces"] == ("open", "published")
    assert grades["demo-immunization-schedule"] == ("conditional", "published")
    archived = api.get("/api/v1/datasets/demo-holidays-2024/").json()
    assert (archived["open_grade"], archived["state"]) == ("open", "archived")
    assert "demo-shenzhen-extent" not in grades and "demo-school-stages" not in grades
    assert api.get("/api/v1/datasets/demo-shenzhen-extent/").status_code == 404
    planner = api_as(django_user_model.objects.get(username="planning-publisher"))
    extent = planner.get("/api/v1/datasets/demo-shenzhen-extent/").json()
    assert (extent["open_grade"], extent["spatial_bbox"]) == ("restricted", [113.7167, 22.4, 114.6333, 22.8667])


def test_files_are_the_real_bytes_and_a_replaced_file_keeps_its_history(demo, api):
    body = api.get("/api/v1/datasets/demo-provinces/").json()
    table = next(r for r in body["resources"] if r["kind"] == "file")
    current = (DEMO_FILES / "provinces.csv").read_bytes()
    assert (table["version"], table["format"], table["sha256"]) == (2, "CSV", hashlib.sha256(current).hexdigest())
    downloaded = api.get(table["download_url"])
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content if downloaded.streaming else [downloaded.content]) == current
    assert "440000,广东省,省,粤,广州市,Guangdong".encode() in current
    versions = api.get(f"/api/v1/resources/{table['id']}/").json()["versions"]
    first = (DEMO_FILES / "provinces-v1.csv").read_bytes()
    assert [(v["number"], v["sha256"]) for v in versions] == [
        (2, hashlib.sha256(current).hexdigest()), (1, hashlib.sha256(first).hexdigest()),
    ]
    aqi = api.get("/api/v1/datasets/demo-aqi-levels/").json()["resources"]
    assert [r["format"] for r in aqi] == ["CSV", "JSON"]
