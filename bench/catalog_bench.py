"""Catalog listing benchmark: p50/p95 latency and SQL queries per request with 100,000 datasets, the API list
against the ORM-free SQL that fetches the same page and fields.

    python bench/catalog_bench.py [--datasets 100000] [--requests 50]

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

Each API list page is timed interleaved with its reference, one SQL statement run
through the database connection (REFERENCE_SQL: the same anonymous page, the same
fields, themes and formats aggregated by the database), and the ratio is of their
p95s; `GET /api/v1/` (no query) shows what any API request costs. Counts are cached
until the catalog changes (datasets.catalog_counts): lists are timed with the cache
warm, and the catalog page also cold, each request right after a change.
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
REDIS_DB = 14  # with REDIS_URL set: the cache's database of the bench's own, emptied first
# The anonymous visitor's page of the API list, as one statement: {agg} is the vendor's JSON aggregate.
REFERENCE_SQL = """
WITH page AS (SELECT id FROM datasets_dataset WHERE state = 'published' AND open_grade IN ('open', 'conditional')
              ORDER BY modified DESC, id DESC LIMIT %s OFFSET 0)
SELECT d.id, d.identifier, d.title, d.title_en, d.description, d.description_en, d.keywords, d.keywords_en,
       d.open_grade, d.state, d.update_frequency, d.download_count, d.metadata_score, d.modified, d.published_at,
       o.slug, o.name_zh, o.name_en, l.code, l.title_zh, l.title_en, l.url,
       (SELECT {agg}({array}(t.position, t.code, t.name_zh, t.name_en)) FROM datasets_dataset_themes dt
          JOIN datasets_theme t ON t.id = dt.theme_id WHERE dt.dataset_id = d.id) AS themes,
       (SELECT {agg}(DISTINCT r.format) FROM datasets_resource r WHERE r.dataset_id = d.id AND r.format <> '')
         AS formats
FROM page JOIN datasets_dataset d ON d.id = page.id JOIN datasets_organization o ON o.id = d.organization_id
LEFT JOIN datasets_licence l ON l.id = d.licence_id
ORDER BY d.modified DESC, d.id DESC
"""
JSON_FUNCTIONS = {"postgresql": {"agg": "jsonb_agg", "array": "jsonb_build_array"},
                  "sqlite": {"agg": "json_group_array", "array": "json_array"}}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000, help="datasets to load (default 100000)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL (default 50)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true",
                        help="also profile 20 requests of each list with pyinstrument (the bench extra)")
    return parser.parse_args()


def configure(tmpdir):
    """Embedded defaults unless the environment says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmpdir / 'configured.sqlite3'}")
    os.environ.setdefault("DEBUG", "false")
    # Nothing leaves the bench's own database: no queued tasks, no documents in a shared search index.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["SEARCH_BACKEND"] = "database"
    # One visitor in a loop: the anonymous API limits would measure refusals.
    for name in ("API_ANONYMOUS_BURST_PER_SECOND", "API_ANONYMOUS_REQUESTS_PER_MINUTE", "API_ANONYMOUS_DAILY_QUOTA"):
        os.environ[name] = "1000000000"
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{REDIS_DB}"
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
                                 state=state, download_count=rng.randrange(5000), metadata_score=rng.randrange(101),
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


def _percentiles(timings):
    timings = sorted(timings)
    return {"p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))], 1)}


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def measure(client, url, repeat, reference=None):
    """Latencies (ms) of `repeat` GETs after a warm-up and the SQL queries one request makes; with
    `reference` (a function), its latencies too, each run right after a GET."""
    for _ in range(3):
        _get(client, url)
    queries = _queries(client, url)
    timings, references = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if reference:
            started = time.perf_counter()
            reference()
            references.append((time.perf_counter() - started) * 1000)
    found = {"url": url, **_percentiles(timings), "queries": queries}
    if reference:
        found["reference"] = _percentiles(references)
        found["ratio_p95"] = round(found["p95_ms"] / found["reference"]["p95_ms"], 2)
        found["ratio_p50"] = round(found["p50_ms"] / found["reference"]["p50_ms"], 2)
    return found


def measure_cold(client, url, repeat):
    """The same, each GET right after a change to the catalog: every count counted afresh."""
    from datasets.catalog_counts import catalog_changed

    _get(client, url)
    catalog_changed()
    queries = _queries(client, url)
    timings = []
    for _ in range(repeat):
        catalog_changed()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return {"url": f"{url} (cold)", **_percentiles(timings), "queries": queries}


PROFILED = ("/api/v1/datasets/?page_size=100", "/datasets/")


def profile(client, url, repeat=20):
    """Where the time of `repeat` warm GETs goes: pyinstrument's call tree, saved beside the figures."""
    from pyinstrument import Profiler

    _get(client, url)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(repeat):
            client.get(url)
    out = REPO / "bench" / "results" / f"catalog-profile-{url.strip('/').replace('/?', '?').replace('/', '-').replace('?', '-')}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    return out


def reference_page(size):
    """REFERENCE_SQL for a page of `size`, run and fetched through the connection (no ORM)."""
    from django.db import connection

    sql = REFERENCE_SQL.format(**JSON_FUNCTIONS[connection.vendor])

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [size])
            if len(cursor.fetchall()) != size:
                raise SystemExit(f"the reference fetched another page than {size} rows")
    return run


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp:
        configure(Path(tmp))
        from django.core.cache import cache, caches
        from django.db import connection
        from django.test import Client

        cache.clear()
        drop = fresh_database(Path(tmp))
        try:
            started = time.perf_counter()
            total = load(args.datasets, rng)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as autovacuum would after a load this size
            print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}); "
                  f"loaded {total} datasets in {time.perf_counter() - started:.1f}s; cache: {caches['default'].__class__.__name__}")
            client = Client()
            listed = client.get("/api/v1/datasets/?page_size=1").json().get("count")
            print(f"an anonymous visitor sees {listed} datasets in the API list")
            results = [measure(client, "/api/v1/", args.requests)]
            results += [measure(client, f"/api/v1/datasets/?page_size={size}", args.requests, reference_page(size))
                        for size in (20, 100)]
            deep = max(1, min(50, listed // 20))  # page 50, or the last one of a smaller catalog
            results += [measure(client, f"/api/v1/datasets/?page_size=20&page={deep}", args.requests)]
            for url in ("/datasets/", f"/datasets/?page={deep}"):
                results += [measure(client, url, args.requests), measure_cold(client, url, max(3, args.requests // 10))]
            profiles = [profile(client, url) for url in PROFILED] if args.profile else []
        finally:
            drop()
    report(args, connection.vendor, total, results)
    for path in profiles:
        print(f"profile: {path.relative_to(REPO)}")


def report(args, vendor, total, results):
    print(f"\n{'GET':46} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   ({args.requests} requests each; cold: a tenth)")
    for row in results:
        print(f"{row['url']:46} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['queries']:>8}")
        if "reference" in row:
            print(f"{'  reference SQL, same page and fields':46} {row['reference']['p50_ms']:>8} "
                  f"{row['reference']['p95_ms']:>8} {1:>8}   API/SQL p95 ratio {row['ratio_p95']} (goal <= 2), "
                  f"p50 {row['ratio_p50']}")
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"catalog-{vendor}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"vendor": vendor, "datasets": total, "results": results}, indent=2))
    print(f"\nsaved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
