"""Load bench: the highest throughput at which p95 stays under 200 ms, then the same load through an Elasticsearch outage.

    bash scripts/services.sh start && eval "$(bash scripts/services.sh env)"
    python bench/load_bench.py [--datasets 3000] [--steps 2,5,10,20,40] [--step-seconds 15] [--workers 4]
    python bench/load_bench.py --direct                                       # gunicorn alone, no nginx
    python bench/load_bench.py --url http://127.0.0.1:8080 --app-port 8011   # a front server of your own

Loopback only, bounded in time (~6 minutes with the defaults). On the shared PostgreSQL, Redis and
Elasticsearch (DATABASE_URL, REDIS_URL, ELASTICSEARCH_URL), with a database of its own beside the configured
one (catalog_bench.fresh_database, dropped at the end), Redis database 15 (emptied first) and an index prefix of
its own (deleted at the end):

1. Setup: catalog_bench's catalog plus datastore tables, downloads and an enterprise key with a grant
   (load_data.py); both search backends indexed; static files collected into a temp STATIC_ROOT.
2. gunicorn with `--workers` sync workers on 127.0.0.1:--app-port (free port by default), behind the portal's
   nginx site (manage.py render_nginx_conf, started by scripts/services.sh nginx-start on a free loopback port):
   nginx serves the static files and, after Django's X-Accel-Redirect, the downloads; the rest is proxied.
   --url: a front server of your own proxying to --app-port instead; --direct: the load goes to gunicorn.
3. Steps: for each user count, the portal mix (locustfile.PortalVisitor, no think time) for --step-seconds,
   then the reference (one static file, StaticReference) at the same concurrency for a third of that. Stepping
   stops after the first step whose p95 passes 200 ms. The answer: the highest portal throughput with p95 under
   200 ms, its errors (goal 0), and its ratio to the reference's throughput.
4. Outage: a private single Elasticsearch node (never the shared one) is started, indexed, and gunicorn
   restarted on it; the mix runs at the answer's user count for --outage-seconds and the node is stopped a
   third of the way in. Search falls back to the database backend: errors and 5xx before/after (goal 0).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from catalog_bench import fresh_database
from load_servers import (
    answers,
    free_port,
    handed_to_front,
    run_locust,
    start_front,
    start_gunicorn,
    start_private_elasticsearch,
)

P95_GOAL_MS = 200
REDIS_DB = 15


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=3000)
    parser.add_argument("--steps", default="2,5,10,20,40", help="user counts, in order (default 2,5,10,20,40)")
    parser.add_argument("--step-seconds", type=int, default=15)
    parser.add_argument("--outage-seconds", type=int, default=36)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--url", help="a front server of your own proxying to --app-port (default: the portal's nginx site)")
    parser.add_argument("--direct", action="store_true", help="no front server: the load goes to gunicorn itself")
    parser.add_argument("--app-port", type=int, help="gunicorn's port (default: a free one)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def configure(scratch, args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["DEBUG"] = "false"
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: eval \"$(bash scripts/services.sh env)\" first")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("DATABASE_URL must name PostgreSQL (gunicorn's workers share the database)")
    os.environ["REDIS_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{REDIS_DB}"
    os.environ.update({
        "SEARCH_BACKEND": "elasticsearch", "SEARCH_INDEX_PREFIX": f"loadbench{os.getpid()}",
        "CELERY_TASK_ALWAYS_EAGER": "true", "MEDIA_ROOT": str(scratch / "media"),
        "STATIC_ROOT": str(scratch / "static"), "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    })
    if not args.direct:  # downloads leave through the front server, which reads the file itself
        os.environ["DOWNLOAD_X_ACCEL_REDIRECT_PREFIX"] = "/_protected/"
    # Every visitor is 127.0.0.1: the anonymous limits would measure refusals, not the portal.
    for name in ("API_ANONYMOUS_BURST_PER_SECOND", "API_ANONYMOUS_REQUESTS_PER_MINUTE", "API_ANONYMOUS_DAILY_QUOTA"):
        os.environ[name] = "1000000000"
    import django

    django.setup()


def prepare(args, scratch):
    """The bench's data, indexes and static files; the targets file for the locustfile."""
    import redis
    from django.core.management import call_command
    from load_data import build

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    started = time.perf_counter()
    targets = build(args.datasets, random.Random(args.seed))
    with open(os.devnull, "w") as quiet:
        call_command("rebuild_search_index", backend="database", no_progress=True, stdout=quiet)
        call_command("rebuild_search_index", no_progress=True, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0)
    path = scratch / "targets.json"
    path.write_text(json.dumps(targets, ensure_ascii=False))
    print(f"setup: {args.datasets} datasets, {len(targets['tables']) + 1} datastore tables, indexed, "
          f"in {time.perf_counter() - started:.0f}s")
    return path


def server_env():
    from django.db import connection

    db = connection.settings_dict
    return {**os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}


def summary(records, since=None, until=None):
    """Throughput, p95, failures and 5xx of log records [(t, status, ms, ok, name)] in [since, until)."""
    chosen = [r for r in records if (since is None or r[0] >= since) and (until is None or r[0] < until)]
    if len(chosen) < 2:
        return {"requests": len(chosen), "rps": 0.0, "p95_ms": 0.0, "p50_ms": 0.0, "errors": 0, "5xx": 0}
    span = (until or chosen[-1][0]) - (since or chosen[0][0])
    latencies = sorted(r[2] for r in chosen)
    return {"requests": len(chosen), "rps": round(len(chosen) / max(span, 1e-3), 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))], 1),
            "errors": sum(1 for r in chosen if not r[3]), "5xx": sum(1 for r in chosen if r[1] >= 500 or r[1] == 0)}


def measured(host, users, seconds, user_class, env, scratch, during=None):
    """Run Locust and return its records (the first second, while users start, left out)."""
    log = scratch / f"requests-{user_class}-{users}-{time.monotonic_ns()}.log"
    begun = time.time()
    timer = threading.Timer(during[0], during[1]) if during else None
    if timer:
        timer.start()
    run_locust(host, users, seconds, user_class, {**env, "LOAD_BENCH_LOG": str(log)})
    if timer:
        timer.join()
    records = []
    for line in log.read_text().splitlines():
        stamp, status, ms, ok, name = line.split(" ", 4)
        if float(stamp) >= begun + 1:
            records.append((float(stamp), int(status), float(ms), ok == "1", name))
    return records, begun


def slowest(records, count=3):
    """{request name: p95 ms} of the `count` names with the highest p95."""
    by_name = defaultdict(list)
    for record in records:
        by_name[record[4]].append(record[2])
    p95 = {name: sorted(ms)[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))] for name, ms in by_name.items()}
    return dict(sorted(p95.items(), key=lambda item: -item[1])[:count])


def warm_up(host, args, env, scratch):
    """Every page and call once in each worker (imports, templates, connections) before anything is measured."""
    measured(host, args.workers * 2, 10, "PortalVisitor", env, scratch)


def steps(host, args, env, scratch):
    rows = []
    for users in [int(n) for n in args.steps.split(",")]:
        records = measured(host, users, args.step_seconds, "PortalVisitor", env, scratch)[0]
        portal = {**summary(records), "slowest_p95_ms": slowest(records)}
        reference = summary(measured(host, users, max(5, args.step_seconds // 3), "StaticReference", env, scratch)[0])
        rows.append((users, portal, reference))
        print(f"  {users:>4} users: {portal['rps']:>7.1f} req/s  p50 {portal['p50_ms']:>6.1f}  p95 {portal['p95_ms']:>6.1f} ms"
              f"  errors {portal['errors']:>3}  |  static {reference['rps']:>7.1f} req/s  p95 {reference['p95_ms']:>6.1f} ms"
              f"  |  slowest p95: " + ", ".join(f"{name} {ms:.0f}" for name, ms in portal["slowest_p95_ms"].items()),
              flush=True)
        if portal["p95_ms"] > P95_GOAL_MS:
            break
    return rows


def outage(front, args, env, scratch, users, restart_app):
    """The mix at `users`, on a private Elasticsearch node stopped a third of the way in."""
    node, wait_ready = start_private_elasticsearch()
    try:
        wait_ready()
        env = {**env, "ELASTICSEARCH_URL": node.url}
        # A patient client for the bulk indexing; the servers keep the configured timeout.
        subprocess.run([sys.executable, "manage.py", "rebuild_search_index", "--no-progress"], cwd=REPO,
                       env={**env, "SEARCH_ELASTICSEARCH_TIMEOUT": "60"}, check=True, stdout=subprocess.DEVNULL)
        restart_app(env)
        warm_up(front, args, env, scratch)
        up = answers(f"{front}/api/v1/search/?q=%E5%AE%A2%E6%B5%81")
        stop_after = args.outage_seconds / 3
        stopped = {}
        records, begun = measured(front, users, args.outage_seconds, "PortalVisitor", env, scratch,
                                  during=(stop_after, lambda: (stopped.setdefault("at", time.time()), node.stop())))
        after = answers(f"{front}/api/v1/search/?q=%E5%AE%A2%E6%B5%81")
    finally:
        node.stop()
    before, during = summary(records, until=stopped["at"]), summary(records, since=stopped["at"])
    return {"users": users, "search_status_before": up, "search_status_after": after,
            "stopped_after_s": round(stopped["at"] - begun, 1), "before": before, "after": during}


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        scratch = Path(tmp)
        configure(scratch, args)
        from django.db import connection

        drop = fresh_database(scratch)
        app = front = None
        try:
            env = {**server_env(), "LOAD_BENCH_TARGETS": str(prepare(args, scratch))}
            port = args.app_port or free_port()
            app = start_gunicorn(env, port, args.workers, scratch / "gunicorn.log")
            front = None if args.direct else start_front(app.url, args.url, scratch)
            target = front.url if front else app.url
            if front:
                download = f"/download/resources/{json.loads(Path(env['LOAD_BENCH_TARGETS']).read_text())['downloads'][0]}/"
                sent, by_app, handed = handed_to_front(front.url, app.url, download)
                print(f"GET {download}: the front sent {sent} bytes, gunicorn {by_app} (X-Accel-Redirect: {handed})")
            warm_up(target, args, env, scratch)
            print(f"load on {target} ({'gunicorn' if args.direct else 'front server before gunicorn'}, "
                  f"{args.workers} workers on {app.url}), {args.step_seconds}s steps:", flush=True)
            rows = steps(target, args, env, scratch)
            passing = [row for row in rows if row[1]["p95_ms"] <= P95_GOAL_MS] or rows[:1]
            users, best, reference = max(passing, key=lambda row: row[1]["rps"])

            def restart_app(new_env):
                nonlocal app
                app.stop()
                app = start_gunicorn(new_env, port, args.workers, scratch / "gunicorn.log")
            result = outage(target, args, env, scratch, users, restart_app)
        finally:
            if front is not None:
                front.stop()
            if app is not None:
                app.stop()
            drop_indices()
            close_sessions(connection)
            drop()
    report(args, rows, users, best, reference, result)


def close_sessions(connection):
    """Sessions gunicorn's workers may still hold a moment after they were told to stop would block the drop."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    connection.close()


def drop_indices():
    """The shared Elasticsearch keeps nothing of the bench: its prefixed indices are deleted by name."""
    from elasticsearch import Elasticsearch

    client = Elasticsearch(os.environ["ELASTICSEARCH_URL"])
    names = list(client.indices.get(index=f"{os.environ['SEARCH_INDEX_PREFIX']}*"))
    if names:
        client.indices.delete(index=",".join(names))


def report(args, rows, users, best, reference, result):
    ratio = best["rps"] / reference["rps"] if reference["rps"] else 0
    verdict = "under" if best["p95_ms"] <= P95_GOAL_MS else "OVER"
    print(f"\nhighest throughput with p95 {verdict} {P95_GOAL_MS} ms: {best['rps']} req/s at {users} users "
          f"(p95 {best['p95_ms']} ms), {best['errors']} errors of {best['requests']}; "
          f"static file at the same concurrency {reference['rps']} req/s -> ratio {ratio:.2f}")
    before, after = result["before"], result["after"]
    print(f"Elasticsearch outage at {users} users (private node stopped after {result['stopped_after_s']}s; "
          f"search answered {result['search_status_before']} before, {result['search_status_after']} after):")
    for label, part in (("ES up", before), ("ES stopped", after)):
        print(f"  {label:<11} {part['rps']:>7.1f} req/s  p95 {part['p95_ms']:>6.1f} ms  "
              f"errors {part['errors']} ({part['5xx']} 5xx) of {part['requests']}")
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"args": vars(args), "steps": [{"users": u, "portal": p, "static": s} for u, p, s in rows],
                                "best_users": users, "outage": result}, indent=2))
    print(f"saved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
