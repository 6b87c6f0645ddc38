"""Catalog changes reach the index by themselves: signal -> Celery task -> backend."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from datasets.services.lifecycle import archive_dataset, delete_dataset
from datasets.services.resources import add_url_resource
from datasets.grading import Viewer
from search.backends import SearchQuery

pytestmark = pytest.mark.django_db


def test_publishing_updating_and_deleting_follow_into_search(
    backend, make_dataset, publisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = make_dataset("noise-map", title="噪声地图 Noise map")
    assert backend.search(SearchQuery(text="噪声")).dataset_ids == [dataset.pk]
    with django_capture_on_commit_callbacks(execute=True):
        add_url_resource(user=publisher, dataset=dataset, data={"url": "https://example.org/n.geojson",
                                                                "name": "声级栅格"}, claimed_format="geojson")
    assert backend.search(SearchQuery(text="声级栅格")).dataset_ids == [dataset.pk]
    with django_capture_on_commit_callbacks(execute=True):
        archive_dataset(user=publisher, dataset=dataset)
    assert backend.search(SearchQuery(text="噪声")).total == 0
    with django_capture_on_commit_callbacks(execute=True):
        delete_dataset(user=publisher, dataset=dataset)
    assert backend.search(SearchQuery(text="噪声")).total == 0


def test_elasticsearch_mode_keeps_the_database_fallback_current(
    es_backend, make_dataset, django_capture_on_commit_callbacks
):
    from search.backends import get_search_backend

    with django_capture_on_commit_callbacks(execute=True):
        dataset = make_dataset("noise-map", title="噪声地图 Noise map")
    assert get_search_backend("database").search(SearchQuery(text="噪声")).dataset_ids == [dataset.pk]


def test_rebuild_command_reports(backend, make_dataset, capsys):
    from django.core.management import call_command

    make_dataset("noise-map", title="噪声地图 Noise map")
    call_command("rebuild_search_index")
    assert f"Indexed 1 dataset(s) with the {backend.name} backend." in capsys.readouterr().out
    assert backend.search(SearchQuery(text="noise")).total == 1


def test_an_import_batch_is_announced_and_indexed_together(backend, staff, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from datasets.models import Dataset
    from datasets.signals import dataset_changed

    announced = []

    def listen(sender, dataset_ids, **kwargs):
        announced.append(dataset_ids)

    dataset_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_catalog", str(django_settings.BASE_DIR.parent / "shared" / "data" / "catalogs" /
                                               "us-federal-opm.data.json.gz"), "--limit", "30", "--publish",
                         stdout=io.StringIO())
    finally:
        dataset_changed.disconnect(listen)
    imported = sorted(Dataset.objects.values_list("pk", flat=True))
    assert len(imported) == 30
    assert announced == [imported]  # one batch of the loader: one announcement, one indexing task
    assert backend.search(SearchQuery(viewer=Viewer(staff), page_size=100)).total == 30  # OPM's are restricted



def test_a_transaction_announces_what_it_kept_once_past_a_rolled_back_savepoint(
    make_dataset, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from datasets.signals import dataset_changed

    announced = []

    def listen(sender, dataset_ids, **kwargs):
        announced.append(dataset_ids)

    dataset_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                make_dataset("rolled-back")  # its announcement goes with its savepoint
                raise RuntimeError
            kept = [make_dataset("noise-map").pk, make_dataset("bus-routes").pk]
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            later = make_dataset("metro")  # a later transaction is announced on its own
    finally:
        dataset_changed.disconnect(listen)
    assert announced == [sorted(kept), [later.pk]]

SQLITE_SCRIPT = r"""
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import User
from search.backends import SearchQuery, get_search_backend

staff = User.objects.create_user("staff", password="x", is_staff=True)
org = save_organization(user=staff, data={"slug": "transport", "name_zh": "市交通委员会"})
def make(identifier, title, grade="open", **extra):
    dataset = create_dataset(user=staff, organization=org, data={
        "identifier": identifier, "title": title, "open_grade": grade, "themes": ["transport-public"], **extra})
    add_url_resource(user=staff, dataset=dataset, data={"url": "https://example.org/x.csv"},
                     claimed_format="csv")
    publish_dataset(user=staff, dataset=dataset)
make("bus", "公交线路 Bus routes", keywords=["公交"])
make("metro", "地铁客流 Metro ridership", description="换乘公交")
make("secret", "公交信号 Signal", grade="restricted")
backend = get_search_backend()
out = {}
for text in ["公交", '"公交线路"', "bus", "公交 -地铁", "公共交通", "(((", "交通委员会"]:
    out[text] = sorted(backend.search(SearchQuery(text=text)).dataset_ids)
first = backend.search(SearchQuery(text="公交"))
out["first"] = first.dataset_ids[0]
out["facets"] = first.facets["open_grade"]
out["staff_total"] = backend.search(SearchQuery(text="公交", viewer=Viewer(staff))).total
out["suggest"] = [s.value for s in backend.suggest("公交", Viewer(None))]
out["ids"] = {d.identifier: d.pk for d in __import__("datasets.models", fromlist=["Dataset"]).Dataset.objects.all()}
print(json.dumps(out))
"""


def test_database_backend_on_sqlite(tmp_path):
    """The embedded configuration: SQLite + FTS5, eager tasks, no other service."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_BACKEND")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               MEDIA_ROOT=str(tmp_path / "media"), SEARCH_BACKEND="database")
    completed = subprocess.run([sys.executable, "-c", SQLITE_SCRIPT], cwd=Path(django_settings.BASE_DIR), env=env,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = json.loads(completed.stdout.strip().splitlines()[-1])
    ids = out["ids"]
    assert out["公交"] == sorted([ids["bus"], ids["metro"]])
    assert out['"公交线路"'] == [ids["bus"]]
    assert out["bus"] == [ids["bus"]]
    assert out["公交 -地铁"] == [ids["bus"]]
    assert out["公共交通"] == sorted([ids["bus"], ids["metro"]])  # theme name
    assert out["((("] == sorted([ids["bus"], ids["metro"]])  # garbage: browse
    assert out["交通委员会"] == sorted([ids["bus"], ids["metro"]])
    assert out["first"] == ids["bus"]  # title beats description
    assert out["facets"] == [["open", "无条件开放", 2]]
    assert out["staff_total"] == 3
    assert out["suggest"] == ["bus", "公交"]
