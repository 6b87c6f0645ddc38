"""Every list and detail that embeds a dataset follows the viewer's visibility, at once after a re-grade.

A conditional dataset with an application, a grant, a public usage report and an enterprise
contribution becomes restricted: outsiders (anonymous, a citizen, the enterprise on its session
and on its key) no longer find its identifier or title in any page or API answer, nor count it
through `?dataset=`; its department and platform staff still see everything.
"""
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from access_support import APPLICATIONS, GRANTS, REPORTS
from apikeys_support import key_client, session_client

pytestmark = pytest.mark.django_db

CONTRIBUTIONS = "/api/v1/contributions/"
MARKERS = ("taxi-trips", "出租车行程", "Taxi trips")


@pytest.fixture
def embedded(granted, conditional, enterprise_a, enterprise_admin, post_as, django_capture_on_commit_callbacks):
    """The conditional dataset embedded everywhere: application, grant, public usage report, contribution."""
    application, grant = granted
    report = post_as(enterprise_admin, REPORTS, {"grant": grant["id"], "title": "公交优化看板",
                                                 "description": "基于授权数据的看板", "is_public": True})
    assert report.status_code == 201, report.content
    with django_capture_on_commit_callbacks(execute=True):
        contribution = session_client(enterprise_admin).post(CONTRIBUTIONS, {
            "enterprise": enterprise_a.organization.slug, "kind": "correction", "dataset": conditional.identifier,
            "metadata": json.dumps({"description": "更正描述"}),
        }, format="multipart")
    assert contribution.status_code == 201, contribution.content
    return {"application": application["id"], "grant": grant["id"], "report": report.json()["id"],
            "contribution": contribution.json()["id"]}


def regrade(publisher, dataset, grade, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(f"/api/v1/datasets/{dataset.identifier}/", {"open_grade": grade}, format="json")
    assert response.status_code == 200, response.content


def doors(ids):
    """(URL, whether outsiders may still reach the URL itself) for every list, detail and filter embedding it."""
    return [
        (REPORTS, True), (f"{REPORTS}?dataset=taxi-trips", True), (f"{REPORTS}{ids['report']}/", False),
        (GRANTS, True), (f"{GRANTS}?dataset=taxi-trips", True), (f"{GRANTS}{ids['grant']}/", False),
        (APPLICATIONS, True), (f"{APPLICATIONS}?dataset=taxi-trips", True),
        (f"{APPLICATIONS}{ids['application']}/", False),
        (CONTRIBUTIONS, True), (f"{CONTRIBUTIONS}{ids['contribution']}/", False),
        ("/access/", True), (f"/access/applications/{ids['application']}/", False),
        ("/contributions/", True), (f"/contributions/{ids['contribution']}/", False),
        ("/datasets/taxi-trips/", False), ("/api/v1/datasets/taxi-trips/", False),
    ]


def shows(response):
    body = response.content.decode()
    return any(marker in body for marker in MARKERS)


def count(response):
    return response.json().get("count")


def clients(citizen, enterprise_admin, data_key):
    signed_in = Client()
    signed_in.force_login(citizen)
    enterprise = Client()
    enterprise.force_login(enterprise_admin)
    return {"anonymous": Client(), "citizen": signed_in, "enterprise session": enterprise,
            "enterprise key": key_client(data_key)}


def get(client, url):
    return client.get(url, HTTP_ACCEPT="application/json") if url.startswith("/api/") else client.get(url)


def test_before_the_regrade_the_enterprise_sees_its_embeds(embedded, enterprise_admin):
    client = Client()
    client.force_login(enterprise_admin)
    for url, _reachable in doors(embedded):
        response = get(client, url)
        assert response.status_code == 200 and shows(response), url
    assert count(client.get(f"{REPORTS}?dataset=taxi-trips")) == 1


def test_after_the_regrade_outsiders_find_no_trace(embedded, conditional, publisher, citizen, enterprise_admin,
                                                   data_key, django_capture_on_commit_callbacks):
    regrade(publisher, conditional, "restricted", django_capture_on_commit_callbacks)
    for who, client in clients(citizen, enterprise_admin, data_key).items():
        for url, reachable in doors(embedded):
            response = get(client, url)
            if response.status_code == 200:  # a 404 may echo the URL it was asked, like any missing one
                assert not shows(response), (who, url)
            if not reachable:
                assert response.status_code in (302, 401, 403, 404), (who, url, response.status_code)
            elif "?dataset=" in url and response.status_code == 200:
                assert count(response) == 0, (who, url)
        reports = client.get(f"{REPORTS}?dataset=taxi-trips", HTTP_ACCEPT="application/json")
        assert count(reports) == 0, who


def test_after_the_regrade_the_department_and_staff_still_see_it(embedded, conditional, publisher, reviewer, staff,
                                                                 django_capture_on_commit_callbacks):
    regrade(publisher, conditional, "restricted", django_capture_on_commit_callbacks)
    for who in (reviewer, staff):
        client = Client()
        client.force_login(who)
        for url in (REPORTS, f"{REPORTS}{embedded['report']}/", GRANTS, f"{GRANTS}{embedded['grant']}/",
                    APPLICATIONS, f"{APPLICATIONS}{embedded['application']}/", CONTRIBUTIONS,
                    f"{CONTRIBUTIONS}{embedded['contribution']}/", f"/access/applications/{embedded['application']}/",
                    f"/contributions/{embedded['contribution']}/", "/datasets/taxi-trips/"):
            response = get(client, url)
            assert response.status_code == 200 and shows(response), (who.username, url, response.status_code)
        assert count(client.get(f"{REPORTS}?dataset=taxi-trips")) == 1
    staff_client = Client()
    staff_client.force_login(staff)
    audit = staff_client.get("/access/audit/?dataset=taxi-trips")
    assert audit.status_code == 200 and shows(audit)
