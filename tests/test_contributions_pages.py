"""Contribution pages: the loop on the web, the review page's diff, report, preview and row changes."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contributions.models import Contribution, Status
from contributions_support import ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def _post(client, capture, path, data):
    with capture(execute=True):
        return client.post(path, data)


def test_a_new_version_on_the_web_shows_its_row_changes_and_merges_as_version_two(
        client, enterprise_a, enterprise_admin, reviewer, make_dataset, staff, django_capture_on_commit_callbacks):
    from datasets.models import Resource
    from datasets.services.resources import replace_resource_file, update_resource

    dataset = make_dataset("bike-counts")
    resource = dataset.resources.get()
    resource = replace_resource_file(
        user=staff, resource=resource, uploaded=SimpleUploadedFile("counts.csv", csv_bytes(ROWS)))
    update_resource(user=staff, resource=resource, data={"table_schema": {
        "fields": [{"name": "station", "type": "string"}, {"name": "date", "type": "date"},
                   {"name": "count", "type": "integer"}], "primaryKey": ["station"]}})
    # A01 changes its count, A02 goes away, B01 is new.
    new_rows = [["A01", "2024-01-01", "5"]] + ROWS[2:] + [["B01", "2024-02-01", "1"]]

    client.force_login(enterprise_admin)
    response = _post(client, django_capture_on_commit_callbacks, "/contributions/new/", {
        "enterprise": enterprise_a.organization.slug, "kind": "new_version", "dataset": "bike-counts",
        "resource": resource.pk, "name": "", "file": SimpleUploadedFile("counts-v2.csv", csv_bytes(new_rows)),
        "message": "二月数据", "submit_now": "on",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    contribution = Contribution.objects.get()
    assert contribution.status == Status.AWAITING_REVIEW, contribution.report
    assert contribution.changes_summary == {"added": 1, "removed": 1, "changed": 1, "by": "primary_key",
                                            "key": ["station"]}

    client.force_login(reviewer)
    queue = client.get("/contributions/review/?kind=new_version&validation=passed")
    assert contribution.title in queue.content.decode()
    page = client.get(f"/contributions/{contribution.pk}/").content.decode()
    assert 'id="row-changes"' in page and "新增 1 行，删除 1 行，修改 1 行" in page
    assert 'id="preview"' in page and "B01" in page

    response = _post(client, django_capture_on_commit_callbacks, f"/contributions/{contribution.pk}/approve/",
                     {"open_grade": "open", "comment": "ok"})
    assert response.status_code == 302
    resource = Resource.objects.get(pk=resource.pk)
    assert resource.versions.count() == 3 and resource.current_version.number == 3
    detail = client.get("/datasets/bike-counts/").content.decode()
    assert "由 甲企业 贡献" in detail


def test_the_enterprise_sees_its_contributions_and_can_withdraw(client, enterprise_a, enterprise_admin,
                                                                 transport_bureau, django_capture_on_commit_callbacks):
    client.force_login(enterprise_admin)
    response = _post(client, django_capture_on_commit_callbacks, "/contributions/new/", {
        "enterprise": enterprise_a.organization.slug, "kind": "new_dataset", "organization": transport_bureau.slug,
        "identifier": "ent-x", "title": "企业数据", "file": SimpleUploadedFile("a.csv", csv_bytes(ROWS)),
    })
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.status == Status.DRAFT
    assert "企业数据" in client.get("/contributions/").content.decode()
    client.post(f"/contributions/{contribution.pk}/withdraw/")
    contribution.refresh_from_db()
    assert contribution.status == Status.WITHDRAWN


def test_strangers_get_404_and_reviewers_of_other_departments_cannot_decide(
        client, citizen, enterprise_a, enterprise_admin, transport_bureau, other_publisher):
    from contributions.services import drafting

    contribution = drafting.create(user=enterprise_admin, enterprise=enterprise_a.organization, kind="new_dataset",
                                   target={"organization": transport_bureau.slug},
                                   metadata={"identifier": "z", "title": "Z"},
                                   uploaded=SimpleUploadedFile("z.csv", csv_bytes(ROWS)))
    client.force_login(citizen)
    assert client.get(f"/contributions/{contribution.pk}/").status_code == 404
    assert client.get("/api/v1/contributions/").json()["count"] == 0
    assert client.get("/contributions/review/").status_code == 403
