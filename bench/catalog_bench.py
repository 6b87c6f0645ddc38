"""Catalog listing benchmark: p50/p95 latency and SQL queries per request with 10,000 datasets.

    python bench/catalog_bench.py [--datasets 10000] [--requests 50]

Works on whatever DATABASE_URL is set (an embedded SQLite file in a temporary
directory when none is): it creates and migrates a fresh database of its own
next to the configured one (Django's test-database machinery, named
"<name>_bench_<pid>" or a temp file) and drops it at the end, so the
configured database -- e.g. the dev server's db.sqlite3 -- is never touched.

A few datasets are created through datasets.services (history rows, signals),
the rest in bulk with the same shape: an organization, one or two themes,
keywords, a licence, a grade, a state, temporal/spatial metadata and one or
two link resources. Requests go through Django's test client, in-process,
as an anonymous visitor: the latency is the application's, without network.
"""
import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WORDS = ["公交", "地铁", "出租车", "停车", "道路", "空气质量", "水质", "噪声", "人口", "医疗", "学校", "图书馆",
         "公园", "绿地", "气象", "降雨", "用电", "用水", "燃气", "住房", "企业", "就业", "旅游", "文物", "垃圾分类"]
SUFFIXES = ["统计", "监测数据", "名录", "分布", "年报", "实时数据", "月度汇总", "站点信息"]
DISTRICTS = ["黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "浦东新区", "闵行区", "宝山区", "全市"]
FORMATS = ["CSV", "JSON", "XLSX", "GEOJSON", "XML", "PDF"]
GRADES = ["open"] * 7 + ["conditional"] * 2 + ["restricted"]
STATES = ["published"] * 18 + ["draft", "archived"]
FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "annual", "irregular", "realtime"]
VIA_SERVICES = 25
BATCH = 1000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=10_000, help="datasets to load (default 10000)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL (default 50)")
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args()


def configure(tmpdir):
    """Embedded defaults unless the environment says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmpdir / 'configured.sqlite3'}")
    os.environ.setdefault("DEBUG", "false")
    # Nothing leaves the bench's own database: no queued tasks, no documents in a shared search index.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["SEARCH_BACKEND"] = "database"
    import django

    django.setup()


def fresh_database(tmpdir):
    """Create and migrate a database of the bench's own; returns a function that drops it."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    test_name = str(tmpdir / "bench.sqlite3") if connection.vendor == "sqlite" else f"{name}_bench_{os.getpid()}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def load(count, rng):
    """`count` datasets: the first few through the services, the rest in bulk with the same shape."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from datasets.models import Dataset, Licence, Resource, Theme
    from datasets.services.lifecycle import archive_dataset, create_dataset, publish_dataset
    from datasets.services.resources import add_url_resource
    from organizations.services import save_organization

    staff = get_user_model().objects.create_user("bench-staff", is_staff=True)
    organizations = [
        save_organization(user=staff, data={"slug": f"bureau-{n:02d}", "name_zh": f"市{WORDS[n]}管理局",
                                            "name_en": f"Bureau {n:02d}"})
        for n in range(20)
    ]
    themes = list(Theme.objects.all())
    licences = list(Licence.objects.all())

    def fields(n):
        start = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
        title = f"{rng.choice(DISTRICTS)}{rng.choice(WORDS)}{rng.choice(SUFFIXES)} {n}"
        return {
            "identifier": f"bench-{n:06d}", "name": f"bench-{n:06d}", "title": title,
            "description": f"{title}。" + "".join(rng.choices(WORDS, k=30)),
            "keywords": rng.sample(WORDS, k=rng.randint(2, 5)), "open_grade": rng.choice(GRADES),
            "update_frequency": rng.choice(FREQUENCIES), "temporal_start": start,
            "temporal_end": start + timedelta(days=rng.randrange(30, 900)), "spatial_region": rng.choice(DISTRICTS),
            "contact_name": "数据管理员", "contact_email": f"data{n % 20}@example.gov.cn",
        }

    def link(dataset, position):
        fmt = rng.choice(FORMATS)
        return {"name": f"{dataset.title}.{fmt.lower()}", "url": f"https://data.example.gov.cn/{dataset.identifier}/{position}",
                "position": position}, fmt

    for n in range(min(VIA_SERVICES, count)):
        data = {**fields(n), "themes": [theme.code for theme in rng.sample(themes, k=2)],
                "licence": rng.choice(licences).code}
        del data["name"]  # not editable: the services derive it from the identifier
        dataset = create_dataset(user=staff, organization=rng.choice(organizations), data=data)
        resource, fmt = link(dataset, 0)
        add_url_resource(user=staff, dataset=dataset, data=resource, claimed_format=fmt)
        state = rng.choice(STATES)
        if state != "draft":
            publish_dataset(user=staff, dataset=dataset)
        if state == "archived":
            archive_dataset(user=staff, dataset=dataset)

    now = timezone.now()
    for first in range(VIA_SERVICES, count, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, count)):
            state = rng.choice(STATES)
            batch.append(Dataset(**fields(n), organization=rng.choice(organizations), licence=rng.choice(licences),
                                 state=state, download_count=rng.randrange(5000),
                                 published_at=None if state == "draft" else now - timedelta(days=rng.randrange(2000))))
        batch = Dataset.objects.bulk_create(batch)
        Dataset.themes.through.objects.bulk_create([
            Dataset.themes.through(dataset_id=dataset.pk, theme_id=theme.pk)
            for dataset in batch for theme in rng.sample(themes, k=rng.randint(1, 2))
        ])
        resources = []
        for dataset in batch:
            for position in range(rng.randint(1, 2)):
                data, fmt = link(dataset, position)
                resources.append(Resource(dataset=dataset, kind=Resource.Kind.URL, format=fmt, **data))
        Resource.objects.bulk_create(resources)
    return Dataset.objects.count()


def measure(client, url, repeat):
    """Latencies (ms) of `repeat` GETs after a warm-up, and the SQL queries one request makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the next request resets the connection's query log
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "url": url,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))], 1),
        "queries": queries,
    }


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp:
        configure(Path(tmp))
        from django.db import connection
        from django.test import Client

        drop = fresh_database(Path(tmp))
        try:
            started = time.perf_counter()
            total = load(args.datasets, rng)
            print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}); "
                  f"loaded {total} datasets in {time.perf_counter() - started:.1f}s")
            client = Client()
            listed = client.get("/api/v1/datasets/?page_size=1").json().get("count")
            print(f"an anonymous visitor sees {listed} datasets in the API list")
            results = [measure(client, url, args.requests) for url in (
                "/api/v1/datasets/?page_size=20", "/api/v1/datasets/?page_size=100", "/datasets/",
            )]
        finally:
            drop()
    print(f"\n{'GET':40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   ({args.requests} requests each)")
    for row in results:
        print(f"{row['url']:40} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['queries']:>8}")
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"catalog-{connection.vendor}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"vendor": connection.vendor, "datasets": total, "results": results}, indent=2))
    print(f"\nsaved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
