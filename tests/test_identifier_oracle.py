"""Identifier uniqueness is no existence oracle: a hidden holder answers exactly like a retired identifier.

A publisher of another department (API and page form) and an enterprise proposing a new
dataset get one refusal for any unavailable identifier, whether a restricted dataset, a
draft, a visible dataset or a deleted one held it; only a free identifier is accepted.
"""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from apikeys_support import session_client
from contributions_support import CONTRIBUTIONS, NEW_DATASET, csv_upload, new_dataset_body
from datasets.models import Dataset
from harvest.models import HarvestSource

pytestmark = pytest.mark.django_db

DATASETS = "/api/v1/datasets/"


@pytest.fixture
def retired(api_as, publisher, make_dataset, django_capture_on_commit_callbacks):
    """The identifier of a dataset its department deleted."""
    make_dataset("old-census", open_grade="open")
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(publisher).delete(f"{DATASETS}old-census/").status_code == 204
    return "old-census"


def unavailable_identifiers(graded_datasets, retired):
    return {"restricted": "signal-control", "draft": "draft-counts", "open": "bus-routes", "retired": retired}


def masked(text, identifier):
    return text.replace(identifier, "<id>")


def test_the_api_answers_a_hidden_holder_like_a_retired_identifier(api_as, other_publisher, graded_datasets, retired):
    client = api_as(other_publisher)
    answers = {}
    for name, identifier in unavailable_identifiers(graded_datasets, retired).items():
        response = client.post(DATASETS, {"organization": "eco-bureau", "identifier": identifier, "title": "探测"},
                               format="json")
        assert response.status_code == 409, (name, response.content)
        answers[name] = masked(response.content.decode(), identifier)
    assert len(set(answers.values())) == 1, answers
    free = client.post(DATASETS, {"organization": "eco-bureau", "identifier": "free-number", "title": "探测"},
                       format="json")
    assert free.status_code == 201, free.content


def field_error(content):
    start = content.index('id="id_identifier_errors"')
    return content[start:content.index("</ul>", start)]


def test_the_form_answers_a_hidden_holder_like_a_retired_identifier(other_publisher, graded_datasets, retired):
    client = Client()
    client.force_login(other_publisher)
    errors = {}
    for name, identifier in unavailable_identifiers(graded_datasets, retired).items():
        response = client.post("/datasets/-/new/", {"organization": "eco-bureau", "identifier": identifier,
                                                     "title": "探测", "open_grade": "open",
                                                     "update_frequency": "monthly"})
        assert response.status_code == 200
        errors[name] = masked(field_error(response.content.decode()), identifier)
    assert len(set(errors.values())) == 1, errors


def test_a_new_dataset_contribution_answers_a_hidden_holder_like_a_retired_identifier(
    enterprise_a, enterprise_admin, transport_bureau, graded_datasets, retired
):
    client = session_client(enterprise_admin)
    answers = {}
    for name, identifier in unavailable_identifiers(graded_datasets, retired).items():
        body = new_dataset_body(enterprise_a.organization, transport_bureau, csv_upload(),
                                {**NEW_DATASET, "identifier": identifier})
        response = client.post(CONTRIBUTIONS, body, format="multipart")
        assert response.status_code == 409, (name, response.content)
        answers[name] = masked(response.content.decode(), identifier)
    assert len(set(answers.values())) == 1, answers


def test_a_catalog_import_answers_a_hidden_holder_like_a_retired_identifier(graded_datasets, retired,
                                                                            transport_bureau, tmp_path):
    # Every identifier unavailable here, hidden or retired, is answered alike: the record comes in
    # under the source's variant of it, and the identifier itself is never reused.
    unavailable = unavailable_identifiers(graded_datasets, retired)
    entries = [{"identifier": identifier, "title": f"Census {name}", "description": "d", "accessLevel": "public",
                "publisher": {"name": "Census"}, "keyword": ["census"], "modified": "2024-01-01"}
               for name, identifier in unavailable.items()]
    catalog = tmp_path / "data.json"
    catalog.write_text(json.dumps({"conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
                                   "dataset": entries}), encoding="utf-8")
    report_path = tmp_path / "report.json"
    call_command("import_catalog", str(catalog), "--organization", transport_bureau.slug, "--report",
                 str(report_path), stdout=StringIO())
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report["created"], report["skipped"]) == (len(unavailable), 0), report
    notes = {masked(reason, identifier) for reason in report["repairs"] for identifier in unavailable.values()
             if identifier in reason}
    assert len(notes) == 1, notes
    source = HarvestSource.objects.get()
    for name, identifier in unavailable.items():
        assert Dataset.objects.get(identifier=f"{identifier}-h{source.pk}").title == f"Census {name}"
    assert not Dataset.objects.filter(identifier=retired).exists()
