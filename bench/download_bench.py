#!/usr/bin/env python
"""Download benchmark: throughput and server peak memory for a 10 MiB and a 1 GiB file.

    python bench/download_bench.py            # from the repository root

Creates real rows and files through datasets.services, then for each size
starts a fresh `manage.py runserver --noreload --nothreading` (a real WSGI
server) in a subprocess, downloads the file with a streaming client and reads
the server's peak RSS (VmHWM in /proc/<pid>/status) before and after. A last
run downloads the whole dataset as one zip (both files, deflated on the fly).

Settings come from the environment (DJANGO_SETTINGS_MODULE defaults to
portal.settings.dev with DEBUG off); without DATABASE_URL / MEDIA_ROOT it uses a
throwaway SQLite database and media folder under the temp directory, removed
at the end. Rows and files it creates elsewhere are deleted at the end too.
"""
import argparse
import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
SIZES = {"10 MiB": 10 * MIB, "1 GiB": 1024 * MIB}


def configure_environment(scratch):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(scratch / "media"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def csv_block():
    """1 MiB of sensor-like CSV rows with random values (compresses like real open data)."""
    rows = [b"station,time,pm25,no2\n"]
    while sum(map(len, rows)) < MIB:
        station, minute = random.randrange(1000), random.randrange(1440)
        rows.append(b"S%04d,2024-05-01T%02d:%02d,%.2f,%.2f\n"
                    % (station, minute // 60, minute % 60, random.random() * 300, random.random() * 90))
    return b"".join(rows)[:MIB]


def write_file(path, size):
    """`size` bytes of CSV, written 1 MiB at a time."""
    block = csv_block()
    with open(path, "wb") as out:
        for offset in range(0, size, MIB):
            out.write(block[: min(MIB, size - offset)])


def create_dataset(scratch):
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from datasets.models import Dataset
    from datasets.services import lifecycle
    from datasets.services.resources import add_file_resource
    from organizations.services import save_organization

    tag = uuid.uuid4().hex[:8]
    user = get_user_model().objects.create_user(username=f"bench-{tag}", is_staff=True)
    organization = save_organization(
        user=user, data={"slug": f"bench-{tag}", "name_zh": "下载基准测试"}
    )
    dataset = lifecycle.create_dataset(
        user=user, organization=organization, state=Dataset.State.PUBLISHED,
        data={"identifier": f"bench/{tag}", "title": "下载基准测试", "open_grade": "open"},
    )
    resources = {}
    for label, size in SIZES.items():
        source = scratch / f"source-{size}.csv"
        write_file(source, size)
        with open(source, "rb") as handle:
            resources[label] = add_file_resource(
                user=user, dataset=dataset, uploaded=File(handle, name=f"bench-{label.replace(' ', '')}.csv")
            )
        source.unlink()
    return user, organization, dataset, resources


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def request(port, method, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(method, path)
    return connection, connection.getresponse()


def start_server(path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:  # ready once a HEAD of the download answers, which also loads the view code
        try:
            connection, response = request(port, "HEAD", path)
            response.read()
            connection.close()
            if response.status == 200:
                return server, port
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the server did not start")
        time.sleep(0.2)


def measure(path, expected_size=None):
    """Download `path` from a fresh server; (bytes, seconds, peak RSS before, peak RSS after)."""
    server, port = start_server(path)
    try:
        before = peak_rss_mib(server.pid)
        started = time.perf_counter()
        connection, response = request(port, "GET", path)
        received = 0
        while chunk := response.read(MIB):
            received += len(chunk)
        elapsed = time.perf_counter() - started
        connection.close()
        if response.status != 200 or (expected_size is not None and received != expected_size):
            raise RuntimeError(f"{path}: status {response.status}, {received} bytes")
        time.sleep(0.2)  # let the server finish closing the response
        return received, elapsed, before, peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-zip", action="store_true", help="skip the whole-dataset zip run")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="download-bench-"))
    configure_environment(scratch)
    from django.core.management import call_command
    from django.urls import reverse

    from datasets.services.lifecycle import delete_dataset

    call_command("migrate", verbosity=0)
    user, organization, dataset, resources = create_dataset(scratch)
    try:
        runs = [(label, reverse("resource-download", args=[resource.pk]), resource.size)
                for label, resource in resources.items()]
        if not args.no_zip:
            runs.append(("zip (both)", reverse("dataset-download-zip", args=[dataset.identifier]), None))
        print(f"{'download':<12}{'bytes':>14}{'seconds':>10}{'MiB/s':>10}"
              f"{'peak RSS before':>18}{'peak RSS after':>17}{'growth':>10}")
        for label, path, size in runs:
            received, seconds, before, after = measure(path, size)
            print(f"{label:<12}{received:>14}{seconds:>10.2f}{received / MIB / seconds:>10.1f}"
                  f"{before:>14.1f} MiB{after:>13.1f} MiB{after - before:>+6.1f} MiB", flush=True)
    finally:
        delete_dataset(user=user, dataset=dataset)
        organization.delete()
        user.delete()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
