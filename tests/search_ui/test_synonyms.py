"""The staff-edited synonym list: the staff page, its versions, the read side and the admin."""
import re

import pytest
from django.db import transaction

from search import synonyms
from search.models import SynonymGroup, SynonymListVersion

pytestmark = pytest.mark.django_db
URL = "/search/synonyms/"


def add(client, terms, **extra):
    return client.post(URL, {"terms": terms, "note": "", "active": "on", **extra})


def versions():
    return list(SynonymListVersion.objects.order_by("number").values_list("number", "action", "groups"))


def test_the_page_is_for_platform_staff_only(client, citizen, publisher):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for user in (citizen, publisher):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert add(client, "公交, bus").status_code == 403
    assert not SynonymGroup.objects.exists()


def test_staff_adds_a_group_listed_and_versioned_with_normalized_terms(client, staff):
    client.force_login(staff)
    response = add(client, "公交，公共交通、ＢＵＳ\n Bus ")
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "公交 = 公共交通 = ＢＵＳ" in page and "v1" in page
    assert versions() == [(1, "created", [["公交", "公共交通", "bus"]])]
    assert add(client, "医保, 医疗保险").status_code == 302
    assert versions()[-1] == (2, "created", [["公交", "公共交通", "bus"], ["医保", "医疗保险"]])
    assert SynonymListVersion.objects.get(number=2).created_by == staff
    assert synonyms.synonym_groups() == (("公交", "公共交通", "bus"), ("医保", "医疗保险"))


@pytest.mark.parametrize("terms, error", [
    ("公交", "至少需要两个不同的词"),
    ("bus, BUS , Ｂｕｓ", "至少需要两个不同的词"),
    ("公交, " + "长" * 101, "每个词最多 100 个字符"),
])
def test_invalid_groups_are_form_errors_and_store_nothing(client, staff, terms, error):
    client.force_login(staff)
    response = add(client, terms)
    assert response.status_code == 400
    assert re.search(r'<ul class="errorlist" id="id_terms_errors"><li>[^<]*' + error, response.content.decode())
    assert not SynonymGroup.objects.exists() and not SynonymListVersion.objects.exists()


def test_a_term_of_100_chars_is_accepted(client, staff):
    client.force_login(staff)
    assert add(client, "公交, " + "长" * 100).status_code == 302


def test_editing_toggling_and_deleting_write_versions_seen_at_once(client, staff):
    client.force_login(staff)
    add(client, "公交, 公共交通, bus")
    group = SynonymGroup.objects.get()
    assert synonyms.synonyms_of("公交") == ("公共交通", "bus")
    edit = f"/search/synonyms/{group.pk}/edit/"
    assert "公交, 公共交通, bus" in client.get(edit).content.decode()
    assert client.post(edit, {"terms": "公交", "active": "on"}).status_code == 400
    assert client.post(edit, {"terms": "公交, 巴士", "note": "口语", "active": "on"}).status_code == 302
    assert synonyms.synonyms_of("公交") == ("巴士",) and synonyms.synonyms_of("bus") == ()
    # Saving what is already stored changes nothing, so no version.
    client.post(edit, {"terms": "公交, 巴士", "note": "口语", "active": "on"})
    client.post(f"/search/synonyms/{group.pk}/toggle/")
    assert synonyms.synonyms_of("公交") == ()
    client.post(f"/search/synonyms/{group.pk}/toggle/")
    assert synonyms.synonyms_of("巴士") == ("公交",)
    client.post(f"/search/synonyms/{group.pk}/delete/")
    assert synonyms.synonyms_of("公交") == () and not SynonymGroup.objects.exists()
    assert versions() == [
        (1, "created", [["公交", "公共交通", "bus"]]), (2, "changed", [["公交", "巴士"]]),
        (3, "deactivated", []), (4, "activated", [["公交", "巴士"]]), (5, "deleted", []),
    ]
    assert client.get(f"/search/synonyms/{group.pk}/delete/").status_code == 405


def test_synonyms_of_merges_groups_in_list_order_without_the_phrase(client, staff):
    client.force_login(staff)
    add(client, "公交, 公共交通, bus")
    add(client, "bus, 巴士, 公交")
    assert synonyms.synonyms_of("公交") == ("公共交通", "bus", "巴士")
    assert synonyms.synonyms_of("bus") == ("公交", "公共交通", "巴士")
    assert synonyms.synonyms_of("地铁") == ()


def test_the_preview_shows_what_a_query_expands_to(client, staff):
    client.force_login(staff)
    add(client, "公交, 公共交通, bus")
    page = client.get(URL, {"q": "公交 数据"}).content.decode()
    preview = re.search(r'<dl class="synonym-preview">(.*?)</dl>', page, re.DOTALL).group(1)
    terms = re.findall(r"<dt>([^<]*)</dt>\s*<dd>(.*?)</dd>", preview, re.DOTALL)
    assert [term for term, _ in terms] == ["公交", "数据"]
    assert re.findall(r'<span class="chip">([^<]*)</span>', terms[0][1]) == ["公共交通", "bus"]
    assert "不扩展" in terms[1][1]


def test_the_english_page_has_english_labels(client, staff):
    client.force_login(staff)
    add(client, "公交, bus")
    page = client.get("/en" + URL, {"q": "公交"}).content.decode()
    for label in ("Synonyms", "Add a synonym group", "Version history", "Preview", "Deactivate", "Created"):
        assert label in page
    assert "添加同义词组" not in page and "版本历史" not in page
    response = client.post("/en" + URL, {"terms": "bus"})
    assert "At least two different terms" in response.content.decode()


def test_the_insights_page_links_to_the_synonyms(client, staff):
    client.force_login(staff)
    assert 'href="/search/synonyms/"' in client.get("/search/insights/").content.decode()


def test_the_admin_saves_through_the_service(client, staff):
    client.force_login(staff)
    response = client.post("/admin/search/synonymgroup/add/", {"terms": "医保、医疗保险", "note": "", "active": "on"})
    assert response.status_code == 302
    group = SynonymGroup.objects.get()
    assert group.terms == "医保, 医疗保险" and group.modified_by == staff
    assert versions() == [(1, "created", [["医保", "医疗保险"]])]
    response = client.post("/admin/search/synonymgroup/add/", {"terms": "医保", "note": ""})
    assert response.status_code == 200 and "至少需要两个不同的词" in response.content.decode()
    client.post(f"/admin/search/synonymgroup/{group.pk}/change/", {"terms": "医保, 医疗保险, 社保", "note": ""})
    assert versions()[-1] == (2, "changed", [])  # unchecked: the group is now inactive
    client.post("/admin/search/synonymgroup/", {"action": "activate", "_selected_action": [group.pk]})
    client.post(f"/admin/search/synonymgroup/{group.pk}/delete/", {"post": "yes"})
    assert [number for number, *_ in versions()] == [1, 2, 3, 4] and versions()[-1][1] == "deleted"
    assert versions()[2] == (3, "activated", [["医保", "医疗保险", "社保"]])
    assert client.get("/admin/search/synonymlistversion/").status_code == 200
    assert client.get("/admin/search/synonymlistversion/add/").status_code == 403


def test_a_change_rolled_back_leaves_nothing_in_the_copy(staff):
    synonyms.save_synonym_group(user=staff, data={"terms": "医保, 医疗保险"})
    with pytest.raises(RuntimeError), transaction.atomic():
        synonyms.save_synonym_group(user=staff, data={"terms": "公交, bus"})
        assert synonyms.synonyms_of("公交") == ("bus",)
        raise RuntimeError("rolled back")
    assert synonyms.synonyms_of("公交") == ()
    assert synonyms.synonyms_of("医保") == ("医疗保险",)
