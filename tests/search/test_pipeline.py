"""Catalog changes reach the index by themselves: signal -> Celery task -> backend."""
import io

import pytest
from django.conf import settings as django_settings

from datasets.grading import Viewer
from datasets.services.lifecycle import archive_dataset, delete_dataset
from datasets.services.resources import add_url_resource
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
    # One batch of the loader: one announcement, one indexing task; then one more, of the datasets whose metadata
    # score it changed (quality.services.scores), so the index takes the scores; that round changes nothing.
    assert announced == [imported, imported]
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
    # Each followed by the round of the metadata scores it changed (quality.services.scores).
    assert announced == [sorted(kept), sorted(kept), [later.pk], [later.pk]]
