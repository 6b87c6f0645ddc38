"""Evaluation dashboard benchmark: the snapshot task's time and the p95 of the pages and API at scale.

    DATABASE_URL=postgres://... python bench/evaluation_bench.py [--datasets 100000] [--organizations 1000]

A database of its own beside the configured one (catalog_bench.fresh_database, dropped at the end).
The catalog is written in bulk (PostgreSQL COPY, core.bulk_copy) with the shape the indicators read:
departments of very different sizes (a few with no dataset), every grade and state, themes, file
resources with versions, datastore tables and quality reports, link resources, metadata scores and
download counts; enterprises with keys, a month of metered calls and search statistics, access
applications, grants, usage reports and contributions with their transitions. Then:

1. `take_snapshot` of the current month, timed (the daily task's work), with its SQL queries;
2. eleven earlier months copied from it, so the trends read twelve months;
3. p50/p95 of GETs in Django's in-process client, anonymous and as staff, next to two references measured
   in the same run: `/healthz` (no template) and `/about/` (a footer page: the site's frame around a
   little text); the p95s are also given as ratios to theirs.
"""
import argparse
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from catalog_bench import configure, fresh_database, measure  # noqa: E402

GRADES = ["open"] * 7 + ["conditional"] * 2 + ["restricted"]
STATES = ["published"] * 18 + ["draft", "archived"]
FILE_FORMATS = ["CSV", "CSV", "XLSX", "JSON", "PDF"]
LINK_FORMATS = ["API", "JSON", "XML", "PDF", "HTML", ""]
BATCH = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--organizations", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL (default 50)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def load(args, rng):
    """The catalog and its activity; returns (departments, staff user)."""
    from django.contrib.auth import get_user_model
    from django.db.models import F
    from django.utils import timezone

    from access.models import AccessApplication, Grant, UsageReport
    from apikeys.models import ApiKey, Plan, UsageDaily
    from contributions.models import Contribution, Kind, Status, Transition
    from core.bulk_copy import copy_objects, copy_rows
    from datasets.models import Dataset, Licence, Resource, ResourceVersion, Theme
    from datastore.models import DatastoreTable
    from evaluation import months
    from organizations.models import Organization
    from quality.models import QualityReport
    from searchstats.models import QueryStat

    now = timezone.now()
    first_day = months.current()
    month_days = max(1, (timezone.localdate() - first_day).days + 1)
    staff = get_user_model().objects.create_user("bench-staff", is_staff=True)
    # FileFields (a logo, a version's or contribution's file) are not COPY values: those go through bulk_create.
    departments = Organization.objects.bulk_create([
        Organization(slug=f"dept-{n:04d}", name_zh=f"第{n}局", name_en=f"Bureau {n}") for n in range(args.organizations)])
    enterprises = Organization.objects.bulk_create([
        Organization(slug=f"ent-{n:03d}", name_zh=f"企业{n}", kind=Organization.Kind.ENTERPRISE) for n in range(50)])
    themes, licences = list(Theme.objects.all()), list(Licence.objects.all())
    # Sizes differ a lot (a few large departments, a long tail); the last 2% have no dataset at all.
    with_data = departments[: int(len(departments) * 0.98)]

    conditional = []
    for first in range(0, args.datasets, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, args.datasets)):
            state = rng.choice(STATES)
            batch.append(Dataset(
                identifier=f"bench-{n:06d}", name=f"bench-{n:06d}", title=f"数据集 {n}",
                organization=with_data[int(rng.random() ** 2 * len(with_data))], licence=rng.choice(licences),
                open_grade=rng.choice(GRADES), state=state, download_count=rng.randrange(5000),
                metadata_score=rng.randrange(20, 101) if rng.random() < 0.8 else None,
                published_at=None if state == "draft" else now - timedelta(days=rng.randrange(2000))))
        batch = copy_objects(batch)
        conditional += [dataset for dataset in batch if dataset.open_grade == "conditional"]
        copy_rows(Dataset.themes.through, ["dataset_id", "theme_id"],
                  [(dataset.pk, theme.pk) for dataset in batch for theme in rng.sample(themes, k=rng.randint(1, 2))])
        resources = []
        for dataset in batch:
            for position in range(rng.randint(1, 2)):
                if rng.random() < 0.6:
                    resources.append(Resource(dataset=dataset, kind=Resource.Kind.FILE, format=rng.choice(FILE_FORMATS),
                                              name=f"{dataset.identifier}-{position}", position=position))
                else:
                    resources.append(Resource(dataset=dataset, kind=Resource.Kind.URL, format=rng.choice(LINK_FORMATS),
                                              name=f"{dataset.identifier}-{position}", position=position,
                                              url=f"https://data.example.gov.cn/{dataset.identifier}/{position}"))
        resources = copy_objects(resources)
        files = [resource for resource in resources if resource.kind == Resource.Kind.FILE]
        versions = ResourceVersion.objects.bulk_create([ResourceVersion(resource=resource, number=1, file=f"bench/{resource.pk}",
                                                 filename="data", format=resource.format, media_type="text/csv",
                                                 size=1000, sha256="0" * 64) for resource in files], batch_size=2000)
        for resource, version in zip(files, versions, strict=True):
            resource.current_version_id = version.pk
        Resource.objects.bulk_update(files, ["current_version"], batch_size=2000)
        tabular = [version for version in versions if version.format != "PDF"]
        copy_objects([DatastoreTable(resource_id=version.resource_id, version=version, table_name=f"ds_{version.pk}",
                                     status="ready", is_active=True, row_count=rng.randrange(10, 100_000))
                      for version in tabular if rng.random() < 0.7])
        copy_objects([QualityReport(version=version, status="failed" if rng.random() < 0.03 else "done",
                                    report={"valid": rng.random() > 0.1}, finished=now) for version in tabular])

    plan = Plan.objects.order_by("pk").first()
    keys = copy_objects([ApiKey(name=f"key {n}", prefix=f"bench{n:04d}", salt="s", secret_hash="h", user=staff,
                                plan=plan, organization=enterprises[n % len(enterprises)], scopes=["catalog:read"])
                         for n in range(100)])
    identifiers = [f"bench-{n:06d}" for n in range(args.datasets)]
    usage = {(rng.choice(keys).pk, first_day + timedelta(days=rng.randrange(month_days)), rng.choice(identifiers))
             for _ in range(30_000)}
    copy_rows(UsageDaily, ["key_id", "day", "endpoint", "status", "dataset", "calls", "bytes", "latency_ms_total"],
              [(key, day, "api-resource-rows", 200, identifier, rng.randrange(1, 500), 0, 0)
               for key, day, identifier in usage])
    copy_rows(QueryStat, ["day", "text", "count", "zero_result_count"],
              [(first_day + timedelta(days=n % month_days), f"词 {n}", rng.randrange(1, 50), rng.randrange(0, 3))
               for n in range(5000)])

    pairs = {(rng.choice(enterprises).pk, rng.choice(conditional)) for _ in range(3000)}
    applications = copy_objects([
        AccessApplication(enterprise_id=enterprise, dataset=dataset, purpose="研究", intended_use="统计",
                          period_start=first_day, period_end=first_day + timedelta(days=90), terms_accepted=True,
                          status="approved" if n % 3 else "rejected", decided_at=now - timedelta(hours=n % 48))
        for n, (enterprise, dataset) in enumerate(pairs)])
    AccessApplication.objects.update(created=F("decided_at") - timedelta(days=4))
    grants = copy_objects([Grant(application=application, enterprise_id=application.enterprise_id,
                                 dataset=application.dataset, terms="研究", starts_at=now - timedelta(days=1),
                                 expires_at=now + timedelta(days=60))
                           for application in applications if application.status == "approved"])
    copy_objects([UsageReport(grant=grant, enterprise_id=grant.enterprise_id, dataset=grant.dataset, title="成果",
                              description="说明", is_public=n % 2 == 0) for n, grant in enumerate(grants[:500])])
    contributions = Contribution.objects.bulk_create([
        Contribution(kind=Kind.CORRECTION, status=Status.APPROVED, enterprise=rng.choice(enterprises),
                     target_organization=rng.choice(with_data), target_key=f"bench:{n}", title=f"更正 {n}",
                     submitted_at=now - timedelta(days=3))
        for n in range(1000)], batch_size=1000)
    copy_objects([Transition(contribution=contribution, to_status=status) for contribution in contributions
                  for status in (Status.SUBMITTED, Status.APPROVED)])
    Transition.objects.filter(to_status=Status.SUBMITTED).update(created=F("created") - timedelta(days=3))
    return departments, staff


def past_months(count):
    """`count` months before the current one, copied from its snapshot (the trends read them)."""
    from core.bulk_copy import copy_objects
    from evaluation import months
    from evaluation.models import EvaluationSnapshot

    month = months.current()
    rows = list(EvaluationSnapshot.objects.filter(month=month))
    for _ in range(count):
        month = months.preceding(month)
        copy_objects([EvaluationSnapshot(month=month, organization_id=row.organization_id, figures=row.figures,
                                         taken=row.taken - timedelta(days=30)) for row in rows])


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="evaluation-bench-") as tmp:
        configure(Path(tmp))
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from evaluation import services

        drop = fresh_database(Path(tmp))
        try:
            started = time.perf_counter()
            departments, staff = load(args, rng)
            print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}); loaded {args.datasets} "
                  f"datasets, {args.organizations} departments in {time.perf_counter() - started:.1f}s")
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                services.refresh_current_month()
                snapshot_seconds = time.perf_counter() - started
            print(f"take_snapshot (current month, both audiences): {snapshot_seconds:.1f}s, {len(captured)} queries")
            past_months(11)
            anonymous, as_staff = Client(), Client()
            as_staff.force_login(staff)
            busiest = departments[0].slug
            urls = [(anonymous, "/healthz"), (anonymous, "/about/"), (anonymous, "/evaluation/"), (anonymous, "/en/evaluation/?page=10"),
                    (anonymous, f"/evaluation/organizations/{busiest}/"), (as_staff, "/evaluation/staff/"),
                    (anonymous, "/api/v1/evaluation/"), (anonymous, "/api/v1/evaluation/organizations/?page_size=100"),
                    (anonymous, f"/api/v1/evaluation/organizations/{busiest}/")]
            results = [measure(client, url, args.requests) for client, url in urls]
            started = time.perf_counter()
            exported = anonymous.get("/evaluation/export.xlsx")
            export_seconds = time.perf_counter() - started
        finally:
            drop()
    healthz, page = results[0]["p95_ms"], results[1]["p95_ms"]
    print(f"\n{'GET':52} {'p50 ms':>8} {'p95 ms':>8} {'/healthz':>9} {'/about/':>8} {'queries':>8}   "
          f"(p95 ratios; {args.requests} requests each)")
    for row in results:
        row["p95_vs_healthz"], row["p95_vs_about"] = round(row["p95_ms"] / healthz, 1), round(row["p95_ms"] / page, 1)
        print(f"{row['url']:52} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['p95_vs_healthz']:>9} "
              f"{row['p95_vs_about']:>8} {row['queries']:>8}")
    print(f"\nXLSX export of the month ({len(exported.content) / 1024:.0f} KiB): {export_seconds:.2f}s")
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"evaluation-{connection.vendor}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"datasets": args.datasets, "organizations": args.organizations,
                                "snapshot_seconds": round(snapshot_seconds, 1), "snapshot_queries": len(captured),
                                "export_seconds": round(export_seconds, 2), "results": results}, indent=2))
    print(f"saved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
