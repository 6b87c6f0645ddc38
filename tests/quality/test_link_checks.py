"""The link check against a loopback server: what it finds, within its bounds, and what the publisher sees."""
import time
from io import StringIO

import pytest
from django.core.management import call_command
from http_support import LoopbackServer

from datasets.models import Dataset
from datasets.services.resources import add_url_resource
from quality.models import LinkCheck
from quality.tasks import check_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback():
    with LoopbackServer(slow_seconds=2.0) as server:
        yield server


def test_links_are_checked_in_bounds_and_the_score_and_the_resource_page_follow(
        loopback, settings, make_dataset, publisher, client):
    settings.LINK_CHECK_ALLOW_PRIVATE_ADDRESSES = True
    settings.LINK_CHECK_TIMEOUT_SECONDS = 0.5
    dataset = make_dataset("linked", with_file=False)
    links = {
        "csv": (loopback.serve("/files/stops.csv", "stop,name\n1,A\n2,B\n", "text/csv"), "CSV"),
        "page": (loopback.url + "/html", "CSV"),  # a landing page where the data should be
        "missing": (loopback.url + "/nothing-here", "CSV"),
        "loop": (loopback.url + "/loop/a", "JSON"),
        "slow": (loopback.url + "/slow", "JSON"),
    }
    resources = {name: add_url_resource(user=publisher, dataset=dataset, data={"url": url, "name": name},
                                        claimed_format=fmt) for name, (url, fmt) in links.items()}

    call_command("refresh_metadata_scores", stdout=StringIO())
    assert Dataset.objects.get(pk=dataset.pk).metadata_score == 45  # the declared formats stand, links unchecked

    started = time.monotonic()
    assert check_links.delay().get() == 5
    assert time.monotonic() - started < 1.8  # the slow answer (2 s) was given up at the 0.5 s bound
    found = {check.resource.name: check for check in LinkCheck.objects.select_related("resource")}
    assert (found["csv"].is_broken, found["csv"].status_code, found["csv"].detected_format) == (False, 200, "CSV")
    assert (found["page"].is_broken, found["page"].detected_format) == (False, "HTML")
    assert (found["missing"].is_broken, found["missing"].status_code) == (True, 404)
    assert found["loop"].is_broken and "循环" in found["loop"].reason
    assert found["slow"].is_broken and "0.5" in found["slow"].reason
    # Broken links and a format the bytes contradict cost their criteria.
    assert Dataset.objects.get(pk=dataset.pk).metadata_score == 30  # no longer "formats" (10) nor "links" (5)
    assert check_links.delay().get() == 0  # checked today: not again

    client.force_login(publisher)
    page = client.get("/datasets/linked/").content.decode()
    assert "HTTP 404" in page and "链接有效" in page and found["missing"].checked.strftime("%Y-%m-%d") in page

    # Once the link points elsewhere, the old result no longer counts and the link is due again.
    resources["missing"].url = links["csv"][0]
    resources["missing"].save()
    settings.LINK_CHECK_ALLOW_PRIVATE_ADDRESSES = False
    assert check_links.delay().get() == 1
    refused = LinkCheck.objects.get(resource=resources["missing"])
    assert refused.is_broken and "127.0.0.1" in refused.reason and refused.url == links["csv"][0]
    assert loopback.requests.count("/files/stops.csv") == 1  # the refused address was never asked
