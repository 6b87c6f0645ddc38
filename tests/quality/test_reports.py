"""Quality reports of resource versions through HTTP: made for every upload, read by who may, and the
personal-data hold on every door to the bytes until the publisher masks the file or restricts the dataset."""
import io
import json
import zipfile

import pytest
from django.core import mail

from api_support import upload
from apikeys_support import error, key_client, session_client
from contributions_support import CONTRIBUTIONS, VALID_ID, csv_bytes, new_dataset_body
from datastore_support import content
from quality.models import QualityReport

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "年龄", "备注"]
# Twenty clean rows and one whose age is not a number; the identity numbers pass their check digit.
PEOPLE = [[f"人{n}", VALID_ID, str(20 + n), ""] for n in range(20)] + [["张三", VALID_ID, "abc", ""]]
QUALITY = "/api/v1/resources/{}/quality/"


def people(rows=PEOPLE, header=HEADER):
    return upload("people.csv", csv_bytes(rows, header))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(client, method, path, data=None, **extra): the request, then its on-commit work (reports, mail)."""
    def call(client, method, path, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data, **extra)
    return call


@pytest.fixture
def held(run, publisher, make_dataset):
    """An open dataset whose only file carries identity numbers, uploaded by its publisher over the API."""
    dataset = make_dataset("people-open", with_file=False)
    response = run(session_client(publisher), "post", f"/api/v1/datasets/{dataset.identifier}/resources/",
                   {"file": people()}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def doors(resource_id, dataset="people-open"):
    """Every door to the file's bytes: downloads (current and v1) and the datastore's reads."""
    return [f"/download/resources/{resource_id}/", f"/download/resources/{resource_id}/v1/",
            f"/api/v1/resources/{resource_id}/rows/", f"/api/v1/resources/{resource_id}/aggregate/",
            f"/api/v1/resources/{resource_id}/schema/", f"/download/resources/{resource_id}/data.csv"]


def zip_members(client, identifier):
    response = client.get(f"/download/datasets/{identifier}/zip/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    return [name for name in archive.namelist() if name.startswith("data/")], archive.read("README.txt").decode()


def test_a_publisher_upload_gets_a_report_with_details_for_the_publisher_only(held, publisher, client):
    mine = session_client(publisher).get(QUALITY.format(held)).json()
    assert mine["status"] == "done" and mine["rows"] == 21 and mine["columns"] == 4
    assert mine["valid"] is False and mine["problems"] == 1 and mine["personal_data_held"] is True
    details = mine["details"]
    assert details["schema_source"] == "inferred" and details["errors"]["type-error"]["examples"][0]["row"] == 22
    assert details["personal_data"] == {"身份证号": {"id_card": 21}}
    assert details["warnings"]["empty-column"]["examples"][0]["field"] == "备注"
    # Anyone else sees counts only: no examples, no personal data (an example could be some).
    public = client.get(QUALITY.format(held))
    assert public.status_code == 200 and "details" not in public.json()
    assert VALID_ID not in public.content.decode() and "abc" not in public.content.decode()
    page = client.get("/datasets/people-open/").content.decode()
    assert "21 行，4 列，发现 1 个问题" in page and "暂停下载" in page and VALID_ID not in page
    assert f"/download/resources/{held}/" not in page
    assert "21 rows, 4 columns, 1 problem found" in client.get("/en/datasets/people-open/").content.decode()
    assert session_client(publisher).get(f"/api/v1/resources/{held}/").json()["can_download"] is True
    assert client.get(f"/api/v1/resources/{held}/").json()["can_download"] is False
    own_page = session_client(publisher).get("/datasets/people-open/").content.decode()
    assert "type-error" in own_page and f"/resources/{held}/mask/" in own_page
    # The publisher was told by e-mail, once.
    told = [message for message in mail.outbox if "个人信息" in message.subject]
    assert [message.to for message in told] == [["publisher@example.org"]] and "身份证号" in told[0].body


def test_personal_data_is_held_on_every_door_from_outsiders_but_not_from_its_department(held, publisher, staff,
                                                                                        client):
    for url in doors(held):
        error(client.get(url), 403, "personal_data_held")
    names, readme = zip_members(client, "people-open")
    assert names == [] and "people.csv" in readme and "脱敏" in readme
    assert "含个人信息，暂停提供" in client.get(f"/resources/{held}/data/").content.decode()
    for user in (publisher, staff):
        assert session_client(user).get(f"/download/resources/{held}/").status_code == 200
        assert session_client(user).get(f"/api/v1/resources/{held}/rows/").status_code == 200
        assert zip_members(session_client(user), "people-open")[0] == ["data/people.csv"]


def test_a_granted_key_gets_no_held_file_of_a_conditional_dataset(run, granted, data_key, conditional, publisher):
    resource = conditional.resources.get()
    assert key_client(data_key).get(f"/download/resources/{resource.pk}/").status_code == 200
    run(session_client(publisher), "post", f"/api/v1/resources/{resource.pk}/versions/", {"file": people()},
        format="multipart")
    for url in doors(resource.pk)[:1] + doors(resource.pk)[2:]:
        error(key_client(data_key).get(url), 403, "personal_data_held")
    assert key_client(data_key).get(f"/download/resources/{resource.pk}/v1/").status_code == 200  # the clean one
    assert zip_members(key_client(data_key), conditional.identifier)[0] == []


def test_masking_writes_a_new_version_that_is_released(run, held, publisher, other_publisher, client):
    assert session_client(other_publisher).post(f"/api/v1/resources/{held}/mask/").status_code == 403
    response = run(session_client(publisher), "post", f"/api/v1/resources/{held}/mask/")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2 and response.json()["masked_columns"] == ["身份证号"]
    report = client.get(QUALITY.format(held)).json()  # the new version's own report
    assert report["version"] == 2 and report["status"] == "done" and report["personal_data_held"] is False
    data = content(client.get(f"/download/resources/{held}/")).decode()
    assert VALID_ID not in data and "110***" in data and "张三" in data
    error(client.get(f"/download/resources/{held}/v1/"), 403, "personal_data_held")  # the old one stays held
    assert client.get(f"/api/v1/resources/{held}/rows/").status_code == 200
    for fmt in ("csv", "jsonl"):  # the exports the database writes are of the masked table
        exported = content(client.get(f"/download/resources/{held}/data.{fmt}")).decode("utf-8-sig")
        assert VALID_ID not in exported and "110***" in exported and "张三" in exported
    # Nothing left to mask: a conflict, not a third version.
    error(run(session_client(publisher), "post", f"/api/v1/resources/{held}/mask/"), 409, "conflict")


def test_restricting_the_dataset_releases_it_to_its_department_and_hides_it_from_everyone_else(
        run, held, publisher, client):
    response = run(session_client(publisher), "patch", "/api/v1/datasets/people-open/",
                   {"open_grade": "restricted"}, format="json")
    assert response.status_code == 200, response.content
    assert session_client(publisher).get(QUALITY.format(held)).json()["personal_data_held"] is False
    error(client.get(QUALITY.format(held)), 404, "not_found")
    assert client.get(f"/download/resources/{held}/").status_code == 404


def test_a_merged_contribution_gets_a_report(run, enterprise_a, enterprise_admin, reviewer, transport_bureau, client):
    body = new_dataset_body(enterprise_a.organization, transport_bureau, people(PEOPLE[:20]))  # passes validation
    pk = run(session_client(enterprise_admin), "post", CONTRIBUTIONS, body, format="multipart").json()["id"]
    merged = run(session_client(reviewer), "post", f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "conditional"},
                 format="json")
    assert merged.json()["status"] == "merged", merged.content
    resource = client.get("/api/v1/datasets/ent-bike-counts/").json()["resources"][0]
    report = client.get(QUALITY.format(resource["id"])).json()
    assert report["status"] == "done" and report["personal_data_held"] is True


def test_a_schema_that_contradicts_the_data_out_of_range_values_and_an_unreadable_file(run, held, publisher):
    schema = {"fields": [{"name": "姓名", "type": "string", "constraints": {"maxLength": 2}},
                         {"name": "证件号", "type": "string"},
                         {"name": "年龄", "type": "integer", "constraints": {"minimum": 0, "maximum": 120}},
                         {"name": "备注", "type": "string", "constraints": {"enum": ["", "无"]}}]}
    me = session_client(publisher)
    assert run(me, "patch", f"/api/v1/resources/{held}/", {"table_schema": schema}, format="json").status_code == 200
    rows = [["王五", "x", "130", "无"], ["赵六", "y", "-1", "有"], ["张", "z", "abc", ""]]
    run(me, "post", f"/api/v1/resources/{held}/versions/", {"file": people(rows)}, format="multipart")
    details = me.get(QUALITY.format(held)).json()["details"]
    assert details["schema_source"] == "target"
    assert details["errors"]["incorrect-label"]["examples"][0]["field"] == "证件号"
    assert details["errors"]["type-error"]["count"] == 1
    messages = [example["message"] for example in details["errors"]["constraint-error"]["examples"]]
    assert len(messages) == 3 and any("maximum" in m for m in messages) and any("minimum" in m for m in messages)
    assert any("enum" in m for m in messages)
    # JSON that is no table: the report says why instead of crashing.
    unreadable = run(me, "post", f"/api/v1/resources/{held}/versions/",
                     {"file": upload("data.json", b'{"a": 1}', "application/json")}, format="multipart")
    assert unreadable.status_code == 201, unreadable.content
    report = me.get(QUALITY.format(held)).json()
    assert report["status"] == "done" and report["unreadable"] is True and report["valid"] is False
    assert "JSON" in report["details"]["fatal"]
    error(me.get(QUALITY.format(held), {"version": "x"}), 400, "invalid")
    error(me.get(QUALITY.format(held), {"version": 9}), 404, "not_found")


def test_a_stalled_report_is_run_again_by_the_repair_and_a_second_delivery_does_nothing(held):
    from core.tasks import repair_stalled_jobs
    from django.utils import timezone
    from quality.tasks import make_quality_report

    report = QualityReport.objects.get(version__resource_id=held)
    QualityReport.objects.filter(pk=report.pk).update(
        status=QualityReport.Status.RUNNING, heartbeat=timezone.now() - timezone.timedelta(hours=1))
    done = repair_stalled_jobs()
    assert done["quality.repair.repair_stalled_reports"]["requeued"] == [report.version_id]
    report.refresh_from_db()
    assert report.status == QualityReport.Status.DONE and report.attempts == 2
    make_quality_report.delay(report.version_id)
    report.refresh_from_db()
    assert report.attempts == 2 and json.dumps(report.personal_data) == json.dumps({"身份证号": {"id_card": 21}})
