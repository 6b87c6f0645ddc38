"""The data tables of the staff and member pages share one frame, and their action cells line up as cells."""
import re

import pytest
from django.test import Client

from apikeys_support import issue

pytestmark = pytest.mark.django_db

ACTIONS = re.compile(r'<td class="row-actions"><div class="row-actions-list">(.*?)</div></td>', re.S)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_my_datasets_rows_each_end_with_an_actions_cell(publisher, graded_datasets):
    body = signed_in(publisher).get("/datasets/-/mine/").content.decode()
    assert '<div class="table-wrap"><table class="data-table">' in body
    rows = re.findall(r"<tr>.*?</tr>", body.split("<tbody>")[1], re.S)
    assert len(rows) == len(graded_datasets)
    for row in rows:
        actions = ACTIONS.search(row)
        assert actions and "/edit/" in actions[1] and re.search(r"</div></td>\s*</tr>$", row)  # the last cell


def test_the_key_list_keeps_its_actions_in_the_last_cell(citizen):
    issue(citizen)
    body = signed_in(citizen).get("/en/keys/").content.decode()
    actions = ACTIONS.search(body)
    assert actions and "Revoke" in actions[1] and "Rotate" in actions[1]
