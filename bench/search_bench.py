"""Search benchmark: index rebuild rate, query latency and relevance, on the real services.

    python bench/search_bench.py                 # 100,000 datasets on Elasticsearch; database backend at 10,000
    python bench/search_bench.py --quick         # 10,000 / 2,000 datasets, fewer queries (a few minutes)
    python bench/search_bench.py --datasets 30000 --db-datasets 10000 --per-catalog 2000

Needs DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL. Each phase runs in a
subprocess with a database and indices of its own (created, then dropped):

1. "elasticsearch": imports the real catalogs (../shared/data/catalogs/) with
   `manage.py import_catalog --publish`, replicates them in bulk to --datasets
   rows (new identifiers, varied titles/descriptions/keywords, their
   organizations, themes, licences, grades and formats), builds the database
   fallback (timed: `rebuild_search_index --backend database`), then times
   `backend.rebuild()` (what `rebuild_search_index` runs: a new index, the
   alias swap, the fallback reconciled) against a plain
   `elasticsearch.helpers.bulk` of the same prepared documents into a scratch
   index with the same mapping. Then the latency of a fixed query mix through
   /api/v1/search/ (Django's test client, in-process: application time
   without network or WSGI server), with SEARCH_QUERY_EXPANSION on and off,
   against the same request bodies sent straight to Elasticsearch; and the
   relevance sets of search_relevance.py on the real records.
2. "database" on PostgreSQL and on SQLite: --db-datasets rows, the same query
   mix and relevance sets with SEARCH_BACKEND=database.
"""
import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from search_relevance import relevance, report_lines

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CATALOGS = REPO.parent / "shared" / "data" / "catalogs"

DISTRICTS = ["Downtown", "Northside", "Harbor", "Riverside", "浦东新区", "徐汇区", "臺北市", "高雄市", "Eastgate"]
EXTRA_WORDS = ["annual", "monthly", "summary", "statistics", "records", "inventory", "统计", "监测", "名录", "年报"]
GRADES = ["open"] * 7 + ["conditional"] * 2 + ["restricted"]
STATES = ["published"] * 18 + ["draft", "archived"]
FORMATS = ["CSV", "JSON", "XLSX", "GEOJSON", "XML", "PDF"]
BATCH = 2000
FULL_DEFAULTS = {"datasets": 100_000, "db_datasets": 10_000, "per_catalog": 0, "db_per_catalog": 300, "rounds": 20}
QUICK_DEFAULTS = {"datasets": 10_000, "db_datasets": 2_000, "per_catalog": 300, "db_per_catalog": 100, "rounds": 5}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, help="datasets in the Elasticsearch phase (100000; quick 10000)")
    parser.add_argument("--db-datasets", type=int,
                        help="datasets in the database-backend phases (10000; quick 2000)")
    parser.add_argument("--per-catalog", type=int, help="import at most N entries of each catalog (all; quick 300)")
    parser.add_argument("--db-per-catalog", type=int,
                        help="the same in the database phases, which replicate up to --db-datasets (300; quick 100)")
    parser.add_argument("--rounds", type=int, help="timed rounds of the query mix (20; quick 5)")
    parser.add_argument("--sample", type=int, default=300, help="English real titles in each relevance set")
    parser.add_argument("--sample-zh", type=int, default=100, help="Chinese real titles in each relevance set")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="smaller defaults: a few minutes")
    parser.add_argument("--phase", choices=["elasticsearch", "database"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # Explicit values win over both sets of defaults.
    defaults = QUICK_DEFAULTS if args.quick else FULL_DEFAULTS
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


# --- setup --------------------------------------------------------------------

def configure(backend):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["SEARCH_BACKEND"] = backend
    os.environ["SEARCH_INDEX_PREFIX"] = f"bench-sapi-{os.getpid()}"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # The bench is one anonymous client firing as fast as it can: measure search, not the limiter's refusals.
    for limit in ("API_ANONYMOUS_BURST_PER_SECOND", "API_ANONYMOUS_REQUESTS_PER_MINUTE", "API_ANONYMOUS_DAILY_QUOTA"):
        os.environ.setdefault(limit, str(10**9))
    import django

    django.setup()


def fresh_database(tmpdir):
    """A migrated database of the bench's own next to the configured one; returns its dropper."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    test_name = str(tmpdir / "bench.sqlite3") if connection.vendor == "sqlite" else f"{name}_sbench_{os.getpid()}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def import_real(per_catalog):
    """Every catalog file through import_catalog (published); returns {catalog name: imported dataset ids}."""
    from django.core.management import call_command

    from datasets.models import Dataset
    from datasets.signals import dataset_changed

    # Indexing comes later, all at once, as the timed rebuild.
    dataset_changed.disconnect(dispatch_uid="search.queue_index")
    catalogs = {}
    for path in sorted(CATALOGS.glob("*.json*")):
        last = Dataset.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        options = {"publish": True, "stdout": io.StringIO()}
        if per_catalog:
            options["limit"] = per_catalog
        started = time.perf_counter()
        call_command("import_catalog", str(path), **options)
        print(f"  imported {path.name} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        catalogs[path.name.split(".")[0]] = list(Dataset.objects.filter(pk__gt=last).values_list("pk", flat=True))
    return catalogs


def replicate(target, rng):
    """Bulk rows shaped like the real ones until there are `target` datasets."""
    from django.utils import timezone

    from datasets.models import Dataset, Licence, Resource, Theme

    # Copies of the real rows only; a second call numbers on after the first's copies.
    real = list(Dataset.objects.exclude(identifier__startswith="bench-").prefetch_related("themes", "resources")
                .order_by("pk"))
    themes, licences = list(Theme.objects.all()), list(Licence.objects.all())
    now, made, existing = timezone.now(), 0, Dataset.objects.count()
    first = existing - len(real)
    while existing + made < target:
        batch = []
        for n in range(made, min(made + BATCH, target - existing)):
            base = rng.choice(real)
            state = rng.choice(STATES)
            words = rng.sample(EXTRA_WORDS, k=2)
            batch.append(Dataset(
                identifier=f"bench-{first + n:07d}", name=f"bench-{first + n:07d}",
                title=f"{base.title} {rng.choice(DISTRICTS)} No.{first + n + 1_000_000}"[:300],
                description=f"{base.description}\n\n{' '.join(words)} {n}",
                keywords=list(dict.fromkeys([*base.keywords[:5], rng.choice(EXTRA_WORDS)])),
                organization_id=base.organization_id, licence=base.licence or rng.choice(licences),
                open_grade=rng.choice(GRADES), update_frequency=base.update_frequency, state=state,
                spatial_region=base.spatial_region or rng.choice(DISTRICTS), download_count=rng.randrange(5000),
                published_at=None if state == "draft" else now - timedelta(days=rng.randrange(3000)),
            ))
            batch[-1].base = base
        created = Dataset.objects.bulk_create(batch)
        Dataset.themes.through.objects.bulk_create([
            Dataset.themes.through(dataset_id=dataset.pk, theme_id=theme.pk)
            for dataset, row in zip(created, batch)
            for theme in (list(row.base.themes.all()) or rng.sample(themes, k=rng.randint(1, 2)))
        ])
        Resource.objects.bulk_create([
            Resource(dataset_id=dataset.pk, kind=Resource.Kind.URL, name=f"{dataset.title[:200]} {position}",
                     url=f"https://data.example.org/{dataset.identifier}/{position}",
                     format=rng.choice(FORMATS), position=position)
            for dataset in created for position in range(rng.randint(1, 2))
        ])
        made += len(batch)
    return Dataset.objects.count()


# --- measuring ----------------------------------------------------------------

def percentiles(timings):
    timings = sorted(timings)
    return {"p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))], 1),
            "n": len(timings)}


def query_mix(rng):
    """Full text; text + three facets; text + two filters + sort; all of them together."""
    from django.db.models import Count

    from datasets.models import Dataset, Resource
    from search.query import tokenize

    published = Dataset.objects.filter(state="published", open_grade="open")
    themes = [row["themes__code"] for row in published.exclude(themes=None).values("themes__code")
              .annotate(n=Count("pk")).order_by("-n")[:3]]
    organizations = [row["organization__slug"] for row in published.values("organization__slug")
                     .annotate(n=Count("pk")).order_by("-n")[:3]]
    formats = [row["format"] for row in Resource.objects.exclude(format="").values("format")
               .annotate(n=Count("pk")).order_by("-n")[:2]]
    titles = list(published.values_list("title", flat=True)[:2000])
    words = [token for title in rng.sample(titles, k=min(200, len(titles))) for token in tokenize(title)
             if len(token) >= 4][:40] or ["data"]
    mix = []
    for n, word in enumerate(words[:12]):
        facets = {"theme": themes[n % len(themes)] if themes else None,
                  "organization": organizations[n % len(organizations)], "format": formats[n % len(formats)]}
        facets = {name: value for name, value in facets.items() if value}
        filters = {"published_from": "2015-01-01", "modified_to": "2100-12-31", "sort": "newest"}
        mix += [{"q": word}, {"q": word, **facets}, {"q": word, **filters}, {"q": word, **facets, **filters}]
    return mix


def api_latency(mix, rounds, es_backend=None):
    """p50/p95 of GET /api/v1/search/ over the mix, with the query pipeline's expansion on (as configured)
    and off (SEARCH_QUERY_EXPANSION=False: no stems, synonyms or typo corrections), each request timed both
    ways back to back, in alternating order; with es_backend, also the expanded request's bodies straight to
    Elasticsearch right after, so all of them see the same machine load."""
    from django.test import Client, override_settings

    client, recorded, no_expansion = Client(), [], override_settings(SEARCH_QUERY_EXPANSION=False)
    if es_backend is not None:
        original = es_backend.client.search

        def recording(**kwargs):
            recorded.append(kwargs)
            return original(**kwargs)

        es_backend.client.search = recording

    per_search = []

    def warm_up():  # also checks every request answers
        for params in mix:
            before = len(recorded)
            response = client.get("/api/v1/search/", params)
            per_search.append(recorded[before:])
            if response.status_code != 200:
                raise SystemExit(f"search {params} answered {response.status_code}: {response.content[:300]!r}")

    warm_up()  # with es_backend, records each search's engine requests (a typo correction sends more than one)
    engine_requests = per_search[:]
    if es_backend is not None:
        es_backend.client.search = original
        if not all(engine_requests):
            raise SystemExit("a search sent no engine request")
    with no_expansion:
        warm_up()

    def timed(params):
        started = time.perf_counter()
        client.get("/api/v1/search/", params)
        return (time.perf_counter() - started) * 1000

    api, unexpanded, engine = [], [], []
    for round_ in range(rounds):
        for n, params in enumerate(mix):
            for expanded in (True, False) if (round_ + n) % 2 == 0 else (False, True):
                if expanded:
                    api.append(timed(params))
                else:
                    with no_expansion:
                        unexpanded.append(timed(params))
            if es_backend is not None:
                started = time.perf_counter()
                for request in engine_requests[n]:
                    original(**request)
                engine.append((time.perf_counter() - started) * 1000)
    result = {"api": percentiles(api), "api_no_expansion": percentiles(unexpanded)}
    result["ratio_expansion_p95"] = round(result["api"]["p95_ms"] / result["api_no_expansion"]["p95_ms"], 2)
    if es_backend is not None:
        result["engine"] = percentiles(engine)
        result["ratio_p95"] = round(result["api"]["p95_ms"] / result["engine"]["p95_ms"], 2)
    return result


def plain_bulk(client, documents):
    """The same documents through elasticsearch.helpers.bulk into a scratch index with the same mapping."""
    from elasticsearch import helpers
    from elasticsearch.dsl import Index

    from search.backends.elasticsearch import BULK_CHUNK
    from search.backends.elasticsearch_mapping import build_mapping, source_of

    sources = [source_of(doc) for doc in documents]  # prepared, as the documents are: only the sending is timed
    name = f"{os.environ['SEARCH_INDEX_PREFIX']}-scratch"
    index = Index(name, using=client)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.mapping(build_mapping())
    index.create()
    try:
        started = time.perf_counter()
        helpers.bulk(client, ({"_index": name, "_id": doc["id"], "_source": doc} for doc in sources),
                     chunk_size=BULK_CHUNK)
        client.indices.refresh(index=name)
        return time.perf_counter() - started
    finally:
        client.indices.delete(index=name, ignore_unavailable=True)


# --- phases (each in its own process) ----------------------------------------

def load(args, rng, target):
    started = time.perf_counter()
    catalogs = import_real(args.per_catalog)
    real = sum(map(len, catalogs.values()))
    total = replicate(target, rng)
    print(f"  loaded {real} real + {total - real} replicated datasets in "
          f"{time.perf_counter() - started:.0f}s", file=sys.stderr)
    return catalogs, total


def phase_elasticsearch(args, rng):
    from search.backends import get_search_backend
    from search.documents import iter_documents, searchable_datasets

    catalogs, total = load(args, rng, args.datasets)
    backend = get_search_backend()
    backend.reset()
    searchable = searchable_datasets().count()
    # The database fallback as a running installation has it: kept current by every write.
    started = time.perf_counter()
    backend.database.rebuild()
    fallback_s = time.perf_counter() - started
    started = time.perf_counter()
    backend.rebuild()
    rebuild_s = time.perf_counter() - started
    started = time.perf_counter()
    documents = list(iter_documents())
    prepare_s = time.perf_counter() - started
    bulk_s = plain_bulk(backend.client, documents)
    indexing = {
        "datasets": total, "searchable": searchable,
        "rebuild_s": round(rebuild_s, 1), "rebuild_per_s": round(searchable / rebuild_s),
        "fallback_rebuild_s": round(fallback_s, 1), "fallback_rebuild_per_s": round(searchable / fallback_s),
        "documents_prepare_s": round(prepare_s, 1),
        "plain_bulk_s": round(bulk_s, 1), "plain_bulk_per_s": round(searchable / bulk_s),
        "ratio_rebuild": round(bulk_s / rebuild_s, 2),
    }
    print(f"  indexing: {indexing}", file=sys.stderr)
    latency = api_latency(query_mix(rng), args.rounds, es_backend=backend)
    return {"indexing": indexing, "latency": latency, "relevance": relevance(catalogs, args.sample, args.sample_zh, args.seed)}


def phase_database(args, rng):
    from django.db import connection

    from search.backends import get_search_backend

    catalogs, total = load(args, rng, args.db_datasets)
    started = time.perf_counter()
    get_search_backend().rebuild()
    return {
        "vendor": connection.vendor, "datasets": total, "rebuild_s": round(time.perf_counter() - started, 1),
        "latency": api_latency(query_mix(rng), args.rounds),
        "relevance": relevance(catalogs, args.sample, args.sample_zh, args.seed),
    }


def drop_bench_indices():
    """Remove the indices under this run's SEARCH_INDEX_PREFIX."""
    from search.backends import get_search_backend

    client = get_search_backend().client
    # By name: the cluster refuses wildcard deletes (action.destructive_requires_name).
    names = list(client.indices.get(index=f"{os.environ['SEARCH_INDEX_PREFIX']}-*"))
    if names:
        client.indices.delete(index=",".join(names))


def run_phase(args):
    configure(args.phase)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        drop = fresh_database(Path(tmp))
        try:
            result = (phase_elasticsearch if args.phase == "elasticsearch" else phase_database)(args, rng)
        finally:
            drop()
            if args.phase == "elasticsearch":
                drop_bench_indices()
    print("RESULT " + json.dumps(result))


def spawn(args, phase, database_url):
    per_catalog = args.per_catalog if phase == "elasticsearch" else args.db_per_catalog
    command = [sys.executable, __file__, "--phase", phase, "--datasets", str(args.datasets),
               "--db-datasets", str(args.db_datasets), "--rounds", str(args.rounds), "--sample", str(args.sample),
               "--sample-zh", str(args.sample_zh), "--seed", str(args.seed)]
    command += ["--per-catalog", str(per_catalog)] if per_catalog else []
    label = f"{phase} ({database_url.split(':', 1)[0]})"
    print(f"== {label}", flush=True)
    output = subprocess.run(command, env={**os.environ, "DATABASE_URL": database_url}, cwd=REPO,
                            stdout=subprocess.PIPE, text=True, check=True).stdout
    return label, json.loads(output.rsplit("RESULT ", 1)[1])


def report(results):
    for label, result in results.items():
        print(f"\n## {label}")
        if "indexing" in result:
            i = result["indexing"]
            print(f"rebuild_search_index (Elasticsearch, fallback reconciled) of {i['searchable']} searchable of "
                  f"{i['datasets']} datasets: {i['rebuild_s']} s = {i['rebuild_per_s']}/s")
            print(f"plain helpers.bulk of the same documents: {i['plain_bulk_s']} s = {i['plain_bulk_per_s']}/s "
                  f"(documents prepared in {i['documents_prepare_s']} s); ratio bulk/rebuild {i['ratio_rebuild']}")
            print(f"database fallback rebuilt whole (rebuild_search_index --backend database): "
                  f"{i['fallback_rebuild_s']} s = {i['fallback_rebuild_per_s']}/s")
        else:
            print(f"{result['vendor']}: {result['datasets']} datasets, rebuild {result['rebuild_s']} s")
        latency = result["latency"]
        print(f"/api/v1/search/ (in-process test client): p50 {latency['api']['p50_ms']} ms, "
              f"p95 {latency['api']['p95_ms']} ms over {latency['api']['n']} requests")
        print(f"the same with SEARCH_QUERY_EXPANSION off: p50 {latency['api_no_expansion']['p50_ms']} ms, "
              f"p95 {latency['api_no_expansion']['p95_ms']} ms; ratio p95 on/off "
              f"{latency['ratio_expansion_p95']} (goal <= 1.10)")
        if "engine" in latency:
            print(f"same bodies straight to Elasticsearch: p50 {latency['engine']['p50_ms']} ms, "
                  f"p95 {latency['engine']['p95_ms']} ms; ratio p95 API/engine {latency['ratio_p95']}")
        print("\n".join(report_lines(result["relevance"])))


def main():
    args = parse_args()
    if args.phase:
        return run_phase(args)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not os.environ.get("ELASTICSEARCH_URL"):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="search-bench-sqlite-") as tmp:
        results = dict([
            spawn(args, "elasticsearch", database_url),
            spawn(args, "database", database_url),
            spawn(args, "database", f"sqlite:///{tmp}/configured.sqlite3"),
        ])
    report(results)
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"search-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"args": {k: v for k, v in vars(args).items() if k != "phase"},
                                "seconds": round(time.perf_counter() - started), "results": results}, indent=2))
    print(f"\nsaved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
