"""Publisher pages over HTTP: the dashboard, dataset and resource forms, actions, errors and who may use them."""
import pytest
from django.test import Client

import inspection_support
from api_support import CSV_BYTES, upload
from datasets.models import Dataset, Resource

pytestmark = pytest.mark.django_db

VALID = {
    "organization": "transport-bureau", "identifier": "sh.jt:bus/stops", "title": "公交站点",
    "description": "全市公交站点。", "themes": ["transport", "transport-public"], "keywords": "公交, 站点",
    "licence": "cc-by-4.0", "open_grade": "open", "update_frequency": "monthly",
    "next_update_due": "2030-01-31", "temporal_start": "2024-01-01", "temporal_end": "2024-12-31",
    "spatial_region": "全市", "spatial_bbox": "120.85,30.67,122.20,31.88", "spatial_geojson": "",
    "contact_name": "张三", "contact_email": "data@example.gov.cn", "source_url": "",
}


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def field_error(content, field):
    """The error list rendered next to a field, or None."""
    marker = f'id="id_{field}_errors"'
    if marker not in content:
        return None
    start = content.index(marker)
    return content[start:content.index("</ul>", start)]


def test_publishing_pages_require_login(client, graded_datasets):
    for url in ("/datasets/-/mine/", "/datasets/-/new/", "/datasets/-/edit/bus-routes"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_people_who_may_not_publish_get_the_403_page(client, citizen):
    client.force_login(citizen)
    for url in ("/datasets/-/mine/", "/datasets/-/new/"):
        response = client.get(url)
        assert response.status_code == 403 and "无权访问" in response.content.decode()
    assert "数据发布" not in page(client.get("/"))


def test_dashboard_lists_the_organizations_datasets_in_every_state(publisher_client, graded_datasets,
                                                                   make_dataset, other_publisher, eco_bureau):
    make_dataset("eco-data", title="生态数据", user=other_publisher, organization=eco_bureau)
    content = page(publisher_client.get("/datasets/-/mine/"))
    for title in ("公交线路", "出租车行程", "信号控制", "草稿 Draft counts"):
        assert title in content
    assert "生态数据" not in content
    drafts = page(publisher_client.get("/datasets/-/mine/?state=draft"))
    assert "草稿 Draft counts" in drafts and "公交线路" not in drafts


def test_create_a_dataset_through_the_form(publisher_client):
    form = page(publisher_client.get("/datasets/-/new/"))
    assert 'type="date"' in form and 'value="transport-public"' in form and "交通出行" in form
    response = publisher_client.post("/datasets/-/new/", VALID)
    assert response.status_code == 302 and response["Location"] == "/datasets/sh.jt:bus/stops/"
    dataset = Dataset.objects.get(identifier="sh.jt:bus/stops")
    assert dataset.state == Dataset.State.DRAFT and dataset.spatial_bbox == [120.85, 30.67, 122.2, 31.88]
    assert sorted(t.code for t in dataset.themes.all()) == ["transport", "transport-public"]
    assert dataset.keywords == ["公交", "站点"]
    detail = page(publisher_client.get(response["Location"]))
    assert "数据集已创建" in detail and "编辑元数据" in detail


@pytest.mark.parametrize("change, field, message", [
    ({"temporal_end": "2023-01-01"}, "temporal_end", "结束日期不能早于开始日期"),
    ({"spatial_bbox": "122,31,121"}, "spatial_bbox", "边界框应为四个数"),
    ({"spatial_bbox": "200,31,121,32"}, "spatial_bbox", "边界框超出经纬度范围"),
    ({"identifier": "bad id with spaces"}, "identifier", "标识符只能包含"),
    ({"title": ""}, "title", ""),
    ({"contact_email": "not-an-email"}, "contact_email", "有效的邮箱"),
    ({"next_update_due": "31/01/2030"}, "next_update_due", ""),
    ({"spatial_geojson": "{not json"}, "spatial_geojson", "不是合法的 JSON"),
])
def test_bad_dataset_input_is_shown_next_to_its_field(publisher_client, change, field, message):
    response = publisher_client.post("/datasets/-/new/", {**VALID, **change})
    content = page(response)
    error = field_error(content, field)
    assert error is not None and message in error
    assert "提交的内容有误" in content
    assert not Dataset.objects.exists()


def test_duplicate_identifier_is_a_form_error(publisher_client, graded_datasets):
    content = page(publisher_client.post("/datasets/-/new/", {**VALID, "identifier": "bus-routes"}))
    assert "已被使用" in field_error(content, "identifier")
    assert Dataset.objects.filter(identifier="bus-routes").count() == 1


def test_english_form_errors_are_english(publisher_client):
    content = page(publisher_client.post("/en/datasets/-/new/", {**VALID, "temporal_end": "2023-01-01"}))
    assert "The end date cannot be before the start date." in field_error(content, "temporal_end")


def test_publisher_cannot_create_for_another_organization(publisher_client, eco_bureau):
    content = page(publisher_client.post("/datasets/-/new/", {**VALID, "organization": "eco-bureau"}))
    assert field_error(content, "organization") is not None
    assert not Dataset.objects.exists()


def test_edit_publish_archive_and_delete(publisher_client, make_dataset):
    dataset = make_dataset("edit-me", title="旧标题", state=Dataset.State.DRAFT)
    form = page(publisher_client.get("/datasets/-/edit/edit-me"))
    assert 'value="旧标题"' in form and 'name="identifier"' not in form
    response = publisher_client.post("/datasets/-/edit/edit-me", {**VALID, "title": "新标题"})
    assert response.status_code == 302
    detail = page(publisher_client.get("/datasets/edit-me/"))
    assert "新标题" in detail and "变更字段：标题" in detail  # the history names the changed field
    bad = page(publisher_client.post("/datasets/-/edit/edit-me", {**VALID, "spatial_bbox": "x,y,z,w"}))
    assert "边界框只能包含数字" in field_error(bad, "spatial_bbox")

    assert publisher_client.get("/datasets/-/publish/edit-me").status_code == 405
    publisher_client.post("/datasets/-/publish/edit-me")
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED
    publisher_client.post("/datasets/-/archive/edit-me")
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.ARCHIVED

    confirm = page(publisher_client.get("/datasets/-/delete/edit-me"))
    assert "确定要删除“新标题”吗" in confirm and Dataset.objects.filter(pk=dataset.pk).exists()
    response = publisher_client.post("/datasets/-/delete/edit-me")
    assert response.status_code == 302 and response["Location"] == "/datasets/-/mine/"
    assert not Dataset.objects.filter(pk=dataset.pk).exists()


def test_forms_need_the_csrf_token(publisher, make_dataset):
    make_dataset("csrf-ds", state=Dataset.State.DRAFT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(publisher)
    assert client.post("/datasets/-/publish/csrf-ds").status_code == 403
    assert Dataset.objects.get(identifier="csrf-ds").state == Dataset.State.DRAFT


def test_add_file_and_link_resources(publisher_client, make_dataset):
    dataset = make_dataset("res-ds", with_file=False, state=Dataset.State.DRAFT)
    form = page(publisher_client.get("/datasets/-/add-resource/res-ds"))
    assert 'enctype="multipart/form-data"' in form
    response = publisher_client.post("/datasets/-/add-resource/res-ds", {
        "kind": "file", "name": "站点表", "description": "", "file": upload("stations.csv"), "format": "csv",
    })
    assert response.status_code == 302
    resource = dataset.resources.get()
    assert resource.name == "站点表" and resource.format == "CSV" and resource.size == len(CSV_BYTES)
    publisher_client.post("/datasets/-/add-resource/res-ds", {
        "kind": "url", "name": "实时接口", "url": "https://api.example.gov.cn/stations", "format": "API",
    })
    link = dataset.resources.get(kind=Resource.Kind.URL)
    assert link.url == "https://api.example.gov.cn/stations" and link.format == "API"


@pytest.mark.parametrize("data, field, message", [
    ({"kind": "file", "file": upload("empty.csv", b"")}, "file", "文件为空"),
    ({"kind": "file", "file": upload("data.csv"), "format": "PDF"}, "format", "声明的格式 PDF 与文件内容"),
    ({"kind": "file"}, "file", "请选择要上传的文件"),
    ({"kind": "url", "url": "not a url"}, "url", "请输入有效的网址"),
    ({"kind": "file", "file": upload("bomb.xlsx", inspection_support.xlsx_bomb())}, "file", "疑似压缩炸弹"),
])
def test_bad_resource_input_is_shown_next_to_its_field(publisher_client, make_dataset, data, field, message):
    dataset = make_dataset("bad-res", with_file=False)
    content = page(publisher_client.post("/datasets/-/add-resource/bad-res", data))
    error = field_error(content, field)
    assert error is not None and message in error
    assert not dataset.resources.exists()


def test_replace_edit_and_delete_a_resource(publisher_client, make_dataset):
    dataset = make_dataset("ver-ds")
    resource = dataset.resources.get()
    new_bytes = CSV_BYTES + "静安寺,2024-01-02,40\n".encode()
    response = publisher_client.post(f"/resources/{resource.pk}/replace/", {"file": upload("v2.csv", new_bytes)})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.current_version.number == 2 and resource.size == len(new_bytes)
    detail = page(publisher_client.get("/datasets/ver-ds/"))
    assert f"/download/resources/{resource.pk}/v1/" in detail and f"/download/resources/{resource.pk}/v2/" in detail
    wrong = page(publisher_client.post(f"/resources/{resource.pk}/replace/",
                                       {"file": upload("v3.csv"), "format": "XLSX"}))
    assert "声明的格式 XLSX" in field_error(wrong, "format")

    form = page(publisher_client.get(f"/resources/{resource.pk}/edit/"))
    assert 'name="url"' not in form  # a file resource has no link to edit
    publisher_client.post(f"/resources/{resource.pk}/edit/", {"name": "新名称", "description": "说明", "position": 3})
    resource.refresh_from_db()
    assert resource.name == "新名称" and resource.position == 3
    empty_name = page(publisher_client.post(f"/resources/{resource.pk}/edit/", {"name": "", "position": 0}))
    assert field_error(empty_name, "name") is not None

    assert "确定要删除“新名称”吗" in page(publisher_client.get(f"/resources/{resource.pk}/delete/"))
    publisher_client.post(f"/resources/{resource.pk}/delete/")
    assert not Resource.objects.filter(pk=resource.pk).exists()


def test_another_organizations_publisher_gets_403_or_404(client, other_publisher, graded_datasets):
    client.force_login(other_publisher)
    visible, hidden = graded_datasets["open"], graded_datasets["restricted"]
    for identifier, status in ((visible.identifier, 403), (hidden.identifier, 404),
                               (graded_datasets["draft"].identifier, 404)):
        assert client.get(f"/datasets/-/edit/{identifier}").status_code == status
        assert client.post(f"/datasets/-/publish/{identifier}").status_code == status
        assert client.post(f"/datasets/-/archive/{identifier}").status_code == status
        assert client.post(f"/datasets/-/delete/{identifier}").status_code == status
        assert client.get(f"/datasets/-/add-resource/{identifier}").status_code == status
    for dataset, status in ((visible, 403), (hidden, 404)):
        resource = dataset.resources.get()
        for action in ("edit", "replace", "delete"):
            assert client.post(f"/resources/{resource.pk}/{action}/").status_code == status
    assert Dataset.objects.filter(pk__in=[visible.pk, hidden.pk]).count() == 2
    assert "编辑元数据" not in page(client.get(f"/datasets/{visible.identifier}/"))


def test_login_and_logout_pages(client, publisher):
    assert "数据提供单位的工作人员" in page(client.get("/accounts/login/"))
    wrong = page(client.post("/accounts/login/", {"login": "publisher", "password": "nope"}))
    assert "用户名或密码不正确" in wrong
    response = client.post("/accounts/login/?next=/datasets/-/mine/",
                           {"login": "publisher", "password": "pw-publisher", "next": "/datasets/-/mine/"})
    assert response.status_code == 302 and response["Location"] == "/datasets/-/mine/"
    assert "我的数据集" in page(client.get("/datasets/-/mine/"))
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/datasets/-/mine/").status_code == 302
