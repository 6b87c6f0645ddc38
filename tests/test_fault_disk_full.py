"""The disk full while uploading: a clear 507 (JSON for the API, a form error or a page for the publisher),
no partial file left behind, no resource or version created.

Two small tmpfs mounts make the disk really fill (ENOSPC): the media directory (2 MB) and the
directory uploads are spooled to (4 MB). A 3 MB file is spooled, then fills the media disk; a
5 MB file fills the spool itself. Mounting needs root; elsewhere the tests are skipped.
"""
import json
import os
import re
import subprocess

import pytest
import requests
from fault_support import MB, SEED, csv_of, poll
from server_support import gunicorn, run_python, server_database, server_environment

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")]

def mounted_tmpfs(path, size):
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    return path


def files_in(directory):
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def full_disks(tmp_path_factory):
    """(base URL, seeded facts, media dir, upload spool dir) of a server whose disks are small."""
    directory = tmp_path_factory.mktemp("disk-full")
    media, spool = mounted_tmpfs(directory / "media", "2m"), mounted_tmpfs(directory / "spool", "4m")
    try:
        with server_database(f"disk_{directory.name}") as url:
            env = server_environment(url, media, FILE_UPLOAD_TEMP_DIR=str(spool))
            with gunicorn(env, directory / "gunicorn.log", workers=1) as base:
                yield base, json.loads(run_python(env, SEED)), media, spool
    finally:
        for path in (media, spool):
            subprocess.run(["umount", "-l", str(path)], check=False)


def api_upload(base, seeded, body):
    return requests.post(f"{base}/api/v1/datasets/bus-stops/resources/", files={"file": ("stops.csv", body)},
                         headers={"Authorization": f"Token {seeded['token']}"}, timeout=60)


def page_upload(base, seeded, body):
    browser = requests.Session()
    browser.cookies.set("sessionid", seeded["session"])
    form_url = f"{base}/datasets/-/add-resource/bus-stops"
    form = browser.get(form_url, timeout=60)
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return browser.post(form_url, data={"csrfmiddlewaretoken": token, "kind": "file"},
                        files={"file": ("stops.csv", body)}, headers={"Referer": form_url}, timeout=60)


def resources_of(base, seeded):
    response = requests.get(f"{base}/api/v1/datasets/bus-stops/", timeout=60,
                            headers={"Authorization": f"Token {seeded['token']}"})
    return response.json()["resources"]


def test_a_file_larger_than_the_free_media_space_is_refused_with_507_and_leaves_nothing(full_disks):
    base, seeded, media, spool = full_disks
    response = api_upload(base, seeded, csv_of(3 * MB))
    assert response.status_code == 507, response.text
    error = response.json()["error"]
    assert error["code"] == "insufficient_storage" and "存储空间不足" in error["fields"]["file"][0]
    assert int(response.headers["Retry-After"]) > 0

    page = page_upload(base, seeded, csv_of(3 * MB))
    assert page.status_code == 200 and "存储空间不足，文件未能保存" in page.text  # the form, with the error
    assert 'name="file"' in page.text

    assert files_in(media) == []  # no partial file
    # No spooled leftover: Django deletes the spooled upload when the server closes the response, which may
    # be just after the answer reached us (a loaded machine, the suite on two processes).
    poll(lambda: files_in(spool) == [], what="the spooled upload's removal")
    assert resources_of(base, seeded) == []  # no resource and no version committed

    small = api_upload(base, seeded, csv_of(100 * 1024))
    assert small.status_code == 201, small.text  # what fits is stored as usual
    uploaded = [path for path in files_in(media) if not path.startswith("datastore/exports/")]  # its export files aside
    assert len(uploaded) == 1 and len(resources_of(base, seeded)) == 1


def test_an_upload_larger_than_the_spool_space_is_refused_with_507(full_disks):
    base, seeded, media, spool = full_disks
    before = resources_of(base, seeded)
    response = api_upload(base, seeded, csv_of(5 * MB))
    assert response.status_code == 507, response.text
    assert response.json()["error"]["code"] == "insufficient_storage"

    page = page_upload(base, seeded, csv_of(5 * MB))
    assert page.status_code == 507 and "存储空间不足" in page.text and "Traceback" not in page.text
    assert page.headers["Retry-After"]

    assert files_in(spool) == []
    assert resources_of(base, seeded) == before
