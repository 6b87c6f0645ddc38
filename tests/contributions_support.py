"""Helpers of the contributions tests: a verified enterprise, a department reviewer, files, and calls that commit.

People and datasets come from the shared fixtures (created through the
services); calls run their on-commit work (validation, e-mails) as a real
request would, by capturing the on-commit callbacks and running them.
"""
import csv
import io
import json
import zipfile

import pytest

from api_support import upload
from apikeys_support import session_client

CONTRIBUTIONS = "/api/v1/contributions/"
VALID_ID = "11010519491231002X"  # a well-known example with a correct MOD 11-2 check character
HEADER = ["station", "date", "count"]
ROWS = [[f"A{day:02}", f"2024-01-{day:02}", str(day * 3)] for day in range(1, 21)]


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def csv_upload(rows=ROWS, name="counts.csv", header=HEADER, encoding="utf-8"):
    return upload(name, csv_bytes(rows, header, encoding), "text/csv")


def zip_bomb(name="bomb.xlsx"):
    """A small zip declaring a huge, highly compressible member (never extracted by the checks)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    return upload(name, out.getvalue(), "application/zip")


NEW_DATASET = {"identifier": "ent-bike-counts", "title": "共享单车骑行量", "description": "企业贡献的数据",
               "licence": "cc-by-4.0", "keywords": ["单车"]}


@pytest.fixture
def call(django_capture_on_commit_callbacks):
    """call(client, method, path, data=None, format=...) running on-commit work (eager tasks, mail) afterwards."""
    def run(client, method, path, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data, **extra)
    return run


@pytest.fixture
def contributor(enterprise_a, enterprise_admin):
    return session_client(enterprise_admin)


@pytest.fixture
def reviewing(reviewer):
    return session_client(reviewer)


def new_dataset_body(enterprise, organization, file=None, metadata=None, **extra):
    """A multipart body submitting a new dataset at once."""
    return {"enterprise": enterprise.slug, "kind": "new_dataset", "organization": organization.slug,
            "metadata": json.dumps(metadata or NEW_DATASET), "file": file or csv_upload(), "submit": "true", **extra}
