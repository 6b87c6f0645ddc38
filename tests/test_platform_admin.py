"""The Django admin, through HTTP: staff manage the catalog, every write goes through the services."""
import pytest
from django.urls import reverse

from datasets.models import Activity, Dataset, Licence, Theme
from organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    ("organizations", "organization"), ("datasets", "theme"), ("datasets", "licence"),
    ("datasets", "dataset"), ("datasets", "activity"), ("accounts", "user"),
]


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(model, view, *args):
    app = "organizations" if model == "organization" else "datasets"
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def inline_management(response):
    """The management-form fields of every inline on an admin form page, as a browser would post them."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            data[management.add_prefix(name)] = management.initial.get(name, field.initial)
    return data


def dataset_form(**overrides):
    data = {
        "title": "地铁客流 Metro ridership", "description": "每日进出站人次。", "themes": [],
        "keywords": "地铁, 客流", "licence": "", "open_grade": "open", "update_frequency": "daily",
        "next_update_due": "", "temporal_start": "", "temporal_end": "", "spatial_region": "全市",
        "spatial_bbox": "", "spatial_geojson": "", "contact_name": "", "contact_email": "", "source_url": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("app,model", ADMIN_MODELS)
def test_changelist_loads_for_staff(admin_client, graded_datasets, app, model):
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200


def test_change_pages_show_members_and_resources(admin_client, publisher, transport_bureau, graded_datasets):
    response = admin_client.get(url("organization", "change", transport_bureau.pk))
    assert response.status_code == 200
    assert "publisher" in response.content.decode()

    dataset = graded_datasets["open"]
    response = admin_client.get(url("dataset", "change", dataset.pk))
    assert response.status_code == 200
    assert f"{dataset.identifier}.csv" in response.content.decode()


def test_citizen_is_sent_to_login(client, citizen):
    client.force_login(citizen)
    response = client.get(url("dataset", "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_add_dataset_goes_through_services(admin_client, staff, transport_bureau):
    page = admin_client.get(url("dataset", "add"))
    transport = Theme.objects.get(code="transport")
    licence = Licence.objects.get(code="cc-by-4.0")
    data = dataset_form(identifier="metro-ridership", organization=transport_bureau.pk,
                        themes=[transport.pk], licence=licence.pk, **inline_management(page))
    response = admin_client.post(url("dataset", "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    dataset = Dataset.objects.get(identifier="metro-ridership")
    assert dataset.state == Dataset.State.DRAFT
    assert dataset.keywords == ["地铁", "客流"]
    assert list(dataset.themes.values_list("code", flat=True)) == ["transport"]
    created = Activity.objects.get(dataset=dataset)
    assert (created.action, created.actor) == (Activity.Action.CREATED, staff)


def test_invalid_dataset_is_a_form_error_and_nothing_is_written(admin_client, transport_bureau, graded_datasets):
    page = admin_client.get(url("dataset", "add"))
    data = dataset_form(identifier="bus-routes", organization=transport_bureau.pk,
                        spatial_bbox='"121, 31, 120, 30"', temporal_start="2024-05-01",
                        temporal_end="2024-01-01", **inline_management(page))
    before = Activity.objects.count()
    response = admin_client.post(url("dataset", "add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"identifier", "spatial_bbox", "temporal_end"} <= set(errors)
    assert Dataset.objects.filter(identifier="bus-routes").count() == 1
    assert Activity.objects.count() == before


def test_change_dataset_records_what_changed(admin_client, staff, graded_datasets):
    dataset = graded_datasets["open"]
    page = admin_client.get(url("dataset", "change", dataset.pk))
    form = page.context["adminform"].form
    data = dataset_form(themes=[theme.pk for theme in dataset.themes.all()], licence=dataset.licence_id,
                        keywords="", spatial_region="", update_frequency=dataset.update_frequency,
                        description=dataset.description, **inline_management(page))
    data["title"] = "公交线路（修订）"
    assert set(form.fields) >= {"title"} and "identifier" not in form.fields

    response = admin_client.post(url("dataset", "change", dataset.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    dataset.refresh_from_db()
    assert dataset.title == "公交线路（修订）"
    update = Activity.objects.filter(dataset=dataset, action=Activity.Action.UPDATED).get()
    assert update.actor == staff
    assert update.changes["title"] == ["公交线路 Bus routes", "公交线路（修订）"]


def test_publish_and_archive_actions(admin_client, staff, graded_datasets):
    draft = graded_datasets["draft"]
    response = admin_client.post(url("dataset", "changelist"),
                                 {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.state == Dataset.State.PUBLISHED and draft.published_at is not None
    published = Activity.objects.get(dataset=draft, action=Activity.Action.PUBLISHED)
    assert published.actor == staff
    assert published.changes == {"state": ["draft", "published"]}

    admin_client.post(url("dataset", "changelist"), {"action": "archive", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.state == Dataset.State.ARCHIVED
    assert Activity.objects.filter(dataset=draft, action=Activity.Action.ARCHIVED, actor=staff).exists()


def test_delete_dataset_keeps_its_history(admin_client, staff, graded_datasets):
    dataset = graded_datasets["conditional"]
    response = admin_client.post(url("dataset", "delete", dataset.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    deleted = Activity.objects.get(action=Activity.Action.DELETED, changes__identifier=["taxi-trips", None])
    assert deleted.actor == staff
    assert Activity.objects.filter(object_label=dataset.title, action=Activity.Action.PUBLISHED).exists()


def test_add_organization_with_member(admin_client, staff, make_user):
    reviewer = make_user("reviewer")
    page = admin_client.get(url("organization", "add"))
    data = {"slug": "water-bureau", "kind": "government", "name_zh": "市水务局", "name_en": "Water Authority",
            "description": "", "contact_email": "", "contact_phone": "", "website": "", **inline_management(page)}
    data.update({"memberships-TOTAL_FORMS": "1", "memberships-0-user": reviewer.pk, "memberships-0-role": "reviewer"})
    response = admin_client.post(url("organization", "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    organization = Organization.objects.get(slug="water-bureau")
    assert Membership.objects.filter(organization=organization, user=reviewer, role="reviewer").exists()
    actions = set(Activity.objects.filter(organization=organization, actor=staff).values_list("action", flat=True))
    assert actions == {Activity.Action.CREATED, Activity.Action.UPDATED}


def test_activity_is_read_only(admin_client, graded_datasets):
    activity = Activity.objects.filter(dataset=graded_datasets["open"]).first()
    label = activity.object_label

    assert admin_client.get(url("activity", "add")).status_code == 403
    assert admin_client.get(url("activity", "delete", activity.pk)).status_code == 403
    assert admin_client.post(url("activity", "delete", activity.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(url("activity", "change", activity.pk), {"object_label": "forged"}).status_code == 403
    changelist = admin_client.get(url("activity", "changelist"))
    assert "delete_selected" not in changelist.content.decode()

    activity.refresh_from_db()
    assert activity.object_label == label
