"""Contributions through the API: the whole loop, the lifecycle's refusals, keys, and bad input."""
import pytest
from celery.signals import task_prerun
from django.core import mail

from datasets.models import Dataset
from datasets.signals import dataset_changed

from apikeys_support import error, issue, key_client
from contributions_support import CONTRIBUTIONS, NEW_DATASET, ROWS, VALID_ID, csv_upload, new_dataset_body

pytestmark = pytest.mark.django_db


def _post(call, client, path, data=None, fmt="json"):
    return call(client, "post", path, data, format=fmt)


def _fetch(client, pk):
    """The contribution as it stands after the request's on-commit work (validation) ran."""
    return client.get(f"{CONTRIBUTIONS}{pk}/").json()


def test_the_whole_loop_through_the_api(call, contributor, reviewing, enterprise_a, transport_bureau, client):
    bad_rows = ROWS + [["A04", "not-a-date", "x"]]
    response = _post(call, contributor, CONTRIBUTIONS,
                     new_dataset_body(enterprise_a.organization, transport_bureau, csv_upload(bad_rows)), "multipart")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    body = _fetch(contributor, pk)
    # Validation ran (eagerly here) and failed: the report says where.
    assert body["status"] == "needs_changes" and body["validation"] == "failed"
    errors = body["report"]["errors"]
    assert errors["type-error"]["count"] == 2
    assert {e["row"] for e in errors["type-error"]["examples"]} == {22}
    assert [t["to_status"] for t in body["transitions"]] == ["draft", "submitted", "validating", "needs_changes"]

    # The contributor fixes the file and resubmits; it now waits for review.
    response = call(contributor, "patch", f"{CONTRIBUTIONS}{pk}/", {"file": csv_upload()}, format="multipart")
    assert response.status_code == 200, response.content
    _post(call, contributor, f"{CONTRIBUTIONS}{pk}/submit/", {"comment": "已修正日期"})
    assert _fetch(contributor, pk)["status"] == "awaiting_review"

    # The reviewer finds it in the queue and asks for a better title.
    queue = reviewing.get(f"{CONTRIBUTIONS}queue/?sort=-age").json()["results"]
    assert [item["id"] for item in queue] == [pk]
    response = _post(call, reviewing, f"{CONTRIBUTIONS}{pk}/request-changes/",
                     {"comment": "请完善标题", "field_comments": {"title": "标题请注明年份"}})
    assert response.json()["status"] == "needs_changes"
    assert response.json()["review_comments"] == {"title": "标题请注明年份"}
    assert any("需要修改" in message.subject for message in mail.outbox)

    metadata = {**NEW_DATASET, "title": "共享单车骑行量（2024）"}
    response = call(contributor, "patch", f"{CONTRIBUTIONS}{pk}/", {"metadata": metadata}, format="json")
    assert response.status_code == 200, response.content
    _post(call, contributor, f"{CONTRIBUTIONS}{pk}/submit/")
    assert _fetch(contributor, pk)["status"] == "awaiting_review"

    response = _post(call, reviewing, f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "open", "comment": "同意"})
    assert response.status_code == 200, response.content
    merged = response.json()
    assert merged["status"] == "merged"
    assert merged["merged_dataset"]["identifier"] == "ent-bike-counts"
    history = [(t["to_status"], t["actor"]) for t in merged["transitions"]]
    assert ("approved", "reviewer") in history and ("merged", "reviewer") in history

    # Public: the dataset, its file and its provenance.
    detail = client.get("/api/v1/datasets/ent-bike-counts/").json()
    assert detail["title"] == "共享单车骑行量（2024）" and detail["state"] == "published"
    assert detail["provenance"][0]["enterprise"]["slug"] == enterprise_a.organization.slug
    assert detail["provenance"][0]["contribution"] == pk
    page = client.get("/datasets/ent-bike-counts/")
    assert "由 甲企业 贡献" in page.content.decode()
    assert any("已合并" in message.subject for message in mail.outbox)


def test_a_merge_announces_its_dataset_once_and_indexes_it_once(call, contributor, reviewing, enterprise_a,
                                                               transport_bureau, client):
    """Creating, uploading and publishing in the approval's transaction is one change of one dataset:
    one dataset_changed, one run of the real index task, and the merged dataset is then found. (Then one
    more of each: the round of its new metadata score, quality.services.scores, which changes nothing more.)"""
    pk = _post(call, contributor, CONTRIBUTIONS,
               new_dataset_body(enterprise_a.organization, transport_bureau), "multipart").json()["id"]
    announced, indexed = [], []

    def listen(sender, dataset_ids, **kwargs):
        announced.append(dataset_ids)

    def count_index_runs(sender=None, args=(), **kwargs):
        if sender is not None and sender.name == "search.tasks.index_datasets":
            indexed.append(list(args[0]))

    dataset_changed.connect(listen)
    task_prerun.connect(count_index_runs)
    try:
        response = _post(call, reviewing, f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "open"})
    finally:
        dataset_changed.disconnect(listen)
        task_prerun.disconnect(count_index_runs)
    assert response.json()["status"] == "merged", response.content
    merged = Dataset.objects.get(identifier="ent-bike-counts")
    assert announced == [[merged.pk], [merged.pk]]
    assert indexed == [[merged.pk], [merged.pk]]
    found = client.get("/api/v1/search/", {"q": "共享单车骑行量"}).json()
    assert "ent-bike-counts" in [hit["identifier"] for hit in found["results"]]


def test_transitions_that_cannot_happen_are_refused(call, contributor, reviewing, enterprise_a, transport_bureau):
    pk = _post(call, contributor, CONTRIBUTIONS,
               new_dataset_body(enterprise_a.organization, transport_bureau), "multipart").json()["id"]
    assert _post(call, contributor, f"{CONTRIBUTIONS}{pk}/withdraw/").json()["status"] == "withdrawn"
    error(_post(call, reviewing, f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "open"}), 409, "conflict")
    error(_post(call, contributor, f"{CONTRIBUTIONS}{pk}/submit/"), 409, "conflict")
    error(_post(call, contributor, f"{CONTRIBUTIONS}{pk}/withdraw/"), 409, "conflict")


def test_a_contributor_cannot_review_their_own_submission(call, contributor, enterprise_a, enterprise_admin,
                                                         staff, transport_bureau):
    from organizations.models import Membership
    from organizations.services import add_member

    add_member(user=staff, organization=transport_bureau, member=enterprise_admin,
               role=Membership.Role.REVIEWER)
    pk = _post(call, contributor, CONTRIBUTIONS,
               new_dataset_body(enterprise_a.organization, transport_bureau), "multipart").json()["id"]
    error(_post(call, contributor, f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "open"}), 403, "permission_denied")
    assert contributor.get(f"{CONTRIBUTIONS}{pk}/").json()["status"] == "awaiting_review"


def test_a_duplicate_open_submission_is_refused(call, contributor, enterprise_a, transport_bureau):
    body = new_dataset_body(enterprise_a.organization, transport_bureau)
    assert _post(call, contributor, CONTRIBUTIONS, body, "multipart").status_code == 201
    again = new_dataset_body(enterprise_a.organization, transport_bureau)
    error(_post(call, contributor, CONTRIBUTIONS, again, "multipart"), 409, "conflict")
    assert contributor.get(CONTRIBUTIONS).json()["count"] == 1


def test_personal_data_needs_masking_or_a_stricter_grade(call, contributor, reviewing, enterprise_a,
                                                          transport_bureau, client):
    rows = [["张三", VALID_ID, "13812345678"], ["李四", "110105194912310021", "a@example.com"]]
    file = csv_upload(rows, header=["name", "id_number", "contact"], name="people.csv")
    pk = _post(call, contributor, CONTRIBUTIONS,
               new_dataset_body(enterprise_a.organization, transport_bureau, file), "multipart").json()["id"]
    detail = reviewing.get(f"{CONTRIBUTIONS}{pk}/").json()
    assert detail["pii"] == {"id_number": {"id_card": 1}, "contact": {"mobile": 1, "email": 1}}

    refused = _post(call, reviewing, f"{CONTRIBUTIONS}{pk}/approve/", {"open_grade": "open"})
    assert "mask_columns" in error(refused, 400, "invalid")["fields"]
    assert reviewing.get(f"{CONTRIBUTIONS}{pk}/").json()["status"] == "awaiting_review"

    response = _post(call, reviewing, f"{CONTRIBUTIONS}{pk}/approve/",
                     {"open_grade": "open", "mask_columns": ["id_number", "contact"]})
    assert response.json()["status"] == "merged", response.content
    resource = client.get("/api/v1/datasets/ent-bike-counts/").json()["resources"][0]
    data = b"".join(client.get(f"/download/resources/{resource['id']}/").streaming_content).decode()
    assert VALID_ID not in data and "13812345678" not in data and "a@example.com" not in data
    assert "张三" in data


def test_an_api_key_with_the_contributions_scope_submits_for_its_enterprise(
        call, enterprise_a, enterprise_admin, transport_bureau):
    token = issue(enterprise_admin, scopes=["contributions:write"], organization=enterprise_a.organization)["token"]
    body = new_dataset_body(enterprise_a.organization, transport_bureau)
    response = _post(call, key_client(token), CONTRIBUTIONS, body, "multipart")
    assert response.status_code == 201, response.content
    assert response.json()["enterprise"]["slug"] == enterprise_a.organization.slug

    read_only = issue(enterprise_admin, scopes=["catalog:read"], organization=enterprise_a.organization)["token"]
    error(_post(call, key_client(read_only), CONTRIBUTIONS, new_dataset_body(
        enterprise_a.organization, transport_bureau, metadata={**NEW_DATASET, "identifier": "x2"}), "multipart"),
        403, "scope_missing")


def test_bad_files_get_clear_errors_and_store_nothing(call, contributor, enterprise_a, transport_bureau, settings):
    from api_support import upload
    from contributions_support import zip_bomb

    org = enterprise_a.organization
    cases = [
        (upload("empty.csv", b"", "text/csv"), 400, "file"),
        (zip_bomb(), 400, "file"),
        (upload("broken.xlsx", b"PK\x03\x04garbage-not-a-zip", "application/zip"), 400, "file"),
    ]
    for file, status, field in cases:
        response = _post(call, contributor, CONTRIBUTIONS, new_dataset_body(org, transport_bureau, file), "multipart")
        assert field in error(response, status, "invalid")["fields"], response.content
    settings.CONTRIBUTION_MAX_UPLOAD_BYTES = 10
    error(_post(call, contributor, CONTRIBUTIONS, new_dataset_body(org, transport_bureau), "multipart"), 413, "too_large")
    assert contributor.get(CONTRIBUTIONS).json()["count"] == 0


def test_mixed_encodings_and_formula_cells_are_reported_and_kept_as_data(call, contributor, reviewing, enterprise_a,
                                                                         transport_bureau, client):
    from api_support import upload

    # UTF-8 well past the encoding detector's sample, then a line in GB18030.
    utf8_rows = "".join(f"站点{n},2024-01-01,{n}\n" for n in range(12000))
    content = ("station,date,count\n" + utf8_rows).encode() + "站点二,2024-01-02,2\n".encode("gb18030")
    pk = _post(call, contributor, CONTRIBUTIONS,
               new_dataset_body(enterprise_a.organization, transport_bureau, upload("mixed.csv", content)),
               "multipart").json()["id"]
    report = contributor.get(f"{CONTRIBUTIONS}{pk}/").json()["report"]
    assert report["encoding"] == "utf-8"
    assert report["errors"]["encoding-error"]["examples"][0]["row"] == 12002

    formula = csv_upload([["=HYPERLINK(\"http://x\")", "2024-01-01", "1"]], name="formula.csv")
    metadata = {**NEW_DATASET, "identifier": "formula", "title": "<script>alert(1)</script>公式"}
    response = _post(call, contributor, CONTRIBUTIONS,
                     new_dataset_body(enterprise_a.organization, transport_bureau, formula, metadata), "multipart")
    detail = _fetch(contributor, response.json()["id"])
    assert detail["metadata"]["title"] == "公式"
    assert detail["report"]["preview"][0][0].startswith("=HYPERLINK")
    _post(call, reviewing, f"{CONTRIBUTIONS}{detail['id']}/approve/", {"open_grade": "open"})
    resource = client.get("/api/v1/datasets/formula/").json()["resources"][0]
    stored = b"".join(client.get(f"/download/resources/{resource['id']}/").streaming_content)
    assert b'=HYPERLINK(""http://x"")' in stored  # the contributor's file is kept as data, unchanged
