"""API key bench: keyed vs anonymous throughput and p99 under gunicorn, and the limiter's exactness.

    REDIS_URL=redis://127.0.0.1:63799/9 DATABASE_URL=postgres://portal:portal@127.0.0.1:54329/portal \\
        python bench/apikey_bench.py [--requests 2000] [--concurrency 8] [--limit 50]

Needs Redis (the limiter and metering live there) and a database several
processes can share (PostgreSQL). It creates and migrates a database of its
own ("<name>_apikeybench_<pid>"), starts gunicorn with 4 sync workers on a
free loopback port against it, and drops it at the end.

1. Throughput: GET /api/v1/datasets/<id>/ of an open dataset, `--requests`
   times with `--concurrency` client threads, anonymously and with a valid
   key (whose plan is large enough never to refuse), alternating twice each
   way after a warm-up. Prints requests/s and p50/p99 latency of each, and
   the keyed/anonymous throughput ratio (goal >= 0.8). The keyed path adds
   the key lookup, the HMAC check, the scope check and one RPUSH of a usage
   record; both paths run the Lua limiter script (anonymous callers per IP).
2. Limiter: a key whose plan allows `--limit` requests per minute; 3 x limit
   requests at once over all workers. Exactly `limit` must answer 200 and the
   rest 429.
3. Metering: the buffered usage is flushed; the metered calls must equal the
   keyed calls made.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per run (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--limit", type=int, default=50, help="requests per minute of the limiter test (default 50)")
    parser.add_argument("--workers", type=int, default=4)
    return parser.parse_args()


def configure():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set REDIS_URL and a PostgreSQL DATABASE_URL (see the docstring).")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["SEARCH_BACKEND"] = "database"
    # Anonymous callers share 127.0.0.1: give them room, the bench measures cost, not refusals.
    for name in ("API_ANONYMOUS_BURST_PER_SECOND", "API_ANONYMOUS_REQUESTS_PER_MINUTE", "API_ANONYMOUS_DAILY_QUOTA"):
        os.environ[name] = "1000000000"
    import django

    django.setup()


def fresh_database():
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{name}_apikeybench_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def setup_data(limit):
    """A verified enterprise, an open dataset, a fast key and a limited key, all through the services."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apikeys import services as key_services
    from apikeys.models import ApiKey, Plan
    from datasets.services.lifecycle import create_dataset, publish_dataset
    from datasets.services.resources import add_file_resource
    from enterprises import services as enterprise_services
    from enterprises.credit_code import check_character
    from organizations.services import add_member, save_organization

    users = get_user_model().objects
    staff = users.create_user("bench-staff", is_staff=True, is_superuser=True)
    org = save_organization(user=staff, data={"slug": "bench-bureau", "kind": "government",
                                              "name_zh": "基准测试局"})
    add_member(user=staff, organization=org, member=staff, role="publisher")
    dataset = create_dataset(user=staff, organization=org, data={
        "identifier": "bench-open", "title": "基准数据集", "open_grade": "open", "licence": "cc-by-4.0",
        "themes": ["transport"], "description": "bench"})
    add_file_resource(user=staff, dataset=dataset,
                      uploaded=SimpleUploadedFile("a.csv", b"a,b\n1,2\n", content_type="text/csv"))
    publish_dataset(user=staff, dataset=dataset)
    holder = users.create_user("bench-holder")
    code = "91310000BENCH0001"
    profile = enterprise_services.register_enterprise(
        user=holder, name_zh="基准企业", credit_code=code + check_character(code), legal_representative="甲",
        contact_name="乙", contact_email="bench@example.com")
    enterprise = enterprise_services.verify_enterprise(user=staff, profile=profile).organization
    big = Plan.objects.create(code="bench-big", name_zh="bench", burst_per_second=10**9,
                              requests_per_minute=10**9, daily_quota=10**9)
    small = Plan.objects.create(code="bench-small", name_zh="bench", burst_per_second=10**9,
                                requests_per_minute=limit, daily_quota=10**9)
    tokens = {}
    for name, plan in (("fast", big), ("limited", small)):
        key, token = key_services.issue_key(user=holder, name=name, scopes=["catalog:read"],
                                            organization=enterprise)
        ApiKey.objects.filter(pk=key.pk).update(plan=plan)  # as an admin does in the Django admin
        tokens[name] = token
    return dataset.identifier, tokens


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, headers):
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as refused:
        refused.read()
        status = refused.code
    return status, time.perf_counter() - started


def run(url, headers, count, concurrency):
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda _: get(url, headers), range(count)))
    elapsed = time.perf_counter() - started
    bad = [status for status, _ in results if status != 200]
    if bad:
        sys.exit(f"unexpected statuses: {sorted(set(bad))}")
    return elapsed, [latency for _, latency in results]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    args = parse_args()
    configure()
    from django.db import connection
    from django.db.models import Sum

    from apikeys import metering
    from apikeys.models import UsageDaily

    drop = fresh_database()
    server = None
    try:
        identifier, tokens = setup_data(args.limit)
        metering.flush_usage()  # whatever an earlier run left in the buffer
        db = connection.settings_dict
        env = {**os.environ, "DATABASE_URL":
               f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "error"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/api/v1/datasets/{identifier}/"
        for _ in range(300):
            try:
                get(f"{base}/healthz", {})
                break
            except OSError:
                time.sleep(0.1)
        keyed = {"Authorization": f"Api-Key {tokens['fast']}"}
        run(url, {}, 200, args.concurrency)
        run(url, keyed, 200, args.concurrency)
        totals = {"anonymous": [0.0, []], "keyed": [0.0, []]}
        for _ in range(2):
            for mode, headers in (("anonymous", {}), ("keyed", keyed)):
                elapsed, latencies = run(url, headers, args.requests // 2, args.concurrency)
                totals[mode][0] += elapsed
                totals[mode][1] += latencies
        print(f"gunicorn {args.workers} workers, {args.concurrency} client threads, "
              f"{args.requests} requests per mode, GET {url.replace(base, '')}")
        print(f"{'mode':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        rates = {}
        for mode, (elapsed, latencies) in totals.items():
            rates[mode] = len(latencies) / elapsed
            print(f"{mode:<10} {rates[mode]:>8.1f} {percentile(latencies, 50) * 1000:>8.1f} "
                  f"{percentile(latencies, 99) * 1000:>8.1f}")
        ratio = rates["keyed"] / rates["anonymous"]
        print(f"throughput ratio keyed/anonymous: {ratio:.2f} (goal >= 0.8)")

        limited = {"Authorization": f"Api-Key {tokens['limited']}"}
        with ThreadPoolExecutor(max_workers=min(3 * args.limit, 64)) as pool:
            statuses = [status for status, _ in pool.map(lambda _: get(url, limited), range(3 * args.limit))]
        ok, refused = statuses.count(200), statuses.count(429)
        verdict = "exact" if (ok, refused) == (args.limit, 2 * args.limit) else "WRONG"
        print(f"limiter: {3 * args.limit} concurrent requests, limit {args.limit}/min: "
              f"{ok} x 200, {refused} x 429 -> {verdict}")

        metering.flush_usage()
        metered = UsageDaily.objects.aggregate(calls=Sum("calls"))["calls"] or 0
        expected = 200 + args.requests // 2 * 2 + 3 * args.limit
        print(f"metering: {metered} keyed calls recorded, {expected} made "
              f"({'exact' if metered == expected else 'WRONG'})")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        connection.close()
        drop()


if __name__ == "__main__":
    main()
