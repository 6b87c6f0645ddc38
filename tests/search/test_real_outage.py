"""The Elasticsearch outage path, with the real server stopped and started again.

Only a run that owns the services (scripts/test.sh, and so CI) may stop them;
a developer's run against shared services skips this test and relies on
test_elasticsearch_only.py, which simulates the outage with a closed port.
"""
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from datasets.services.lifecycle import update_dataset
from search.tasks import replay_pending_updates

REPO = Path(django_settings.BASE_DIR)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.serial,  # every other test's Elasticsearch goes down with it
    pytest.mark.skipif(not os.environ.get("PORTAL_TESTS_OWN_SERVICES"),
                       reason="stops the real Elasticsearch: only in runs that own the services"),
]


def _services(command):
    subprocess.run(["bash", str(REPO / "scripts" / "services.sh"), command], check=True,
                   stdout=subprocess.DEVNULL, timeout=300)


@pytest.fixture
def stopped_elasticsearch():
    _services("stop-es")
    try:
        yield
    finally:
        _services("start-es")  # waits until the cluster answers


def test_search_survives_a_stopped_server_and_catches_up(
    es_backend, corpus, publisher, api, stopped_elasticsearch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update_dataset(user=publisher, dataset=corpus["metro-ridership"],
                       data={"title": "轨道交通客流 Rail ridership"})

    during = api.get("/api/v1/search/", {"q": "轨道交通"}).json()
    assert during["degraded"] is True
    assert [hit["identifier"] for hit in during["results"]] == ["metro-ridership"]
    page = api.get("/search/", {"q": "轨道交通"})
    assert page.status_code == 200 and "search-degraded" in page.content.decode()

    _services("start-es")
    assert replay_pending_updates.delay().get() == [corpus["metro-ridership"].pk]
    after = api.get("/api/v1/search/", {"q": "轨道交通"}).json()
    assert after["degraded"] is False
    assert [hit["identifier"] for hit in after["results"]] == ["metro-ridership"]
