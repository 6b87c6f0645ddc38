"""Celery queues by kind of work, so that a long job of one kind never holds up a short task of another.

A worker pool consumes one queue (deploy/systemd/portal-worker@.service runs `-Q <queue>`), sized for
its kind: a harvest of a slow source or a datastore load of a big file may run for an hour, while an
index update or a digest mail must not wait behind it. docs/deployment.md ("Queues and workers") has
the table of pools. Every queue name starts with one prefix (CELERY_QUEUE_PREFIX), so a test run, or
a second portal on the same Redis, keeps to queues of its own.
"""
from kombu import Exchange, Queue

# kind -> the tasks routed to its queue "<prefix>.<kind>".
KINDS = {
    # Short follow-ups of a catalog change: the search index and the metadata scores.
    "indexing": ("search.tasks.index_datasets", "quality.tasks.refresh_metadata_scores"),
    # Loads of resource files into tables, and the indexes the query log earns them: long, database-heavy.
    # and the whole-table export files each loaded table gets once (datastore.export_files).
    "datastore": ("datastore.tasks.load_resource_version", "datastore.tasks.index_popular_columns",
                  "datastore.tasks.build_export_file"),
    # Reading files and links to judge them: a contribution's validation, a version's quality report,
    # the hourly batch of link checks.
    "validation": ("contributions.tasks.validate_contribution", "quality.tasks.make_quality_report",
                   "quality.tasks.check_links"),
    # Fetching remote catalogs: long, waiting on other servers.
    "harvest": ("harvest.tasks.run_harvest_job",),
    # Mail sent by a task (the daily timeliness digests; other mails leave with their request).
    "mail": ("quality.tasks.send_timeliness_digests",),
    # The beat's housekeeping and repairs: short, and each must run even while every job pool is busy.
    "periodic": ("core.tasks.repair_stalled_jobs", "search.tasks.replay_pending_updates",
                 "search.tasks.reconcile_search_index", "apikeys.tasks.flush_usage", "access.tasks.expire_access",
                 "audit.tasks.flush_audit_repeats", "harvest.tasks.start_due_harvests",
                 "evaluation.tasks.refresh_evaluation"),
}
# Left on the default queue (the prefix itself), with anything not routed above.
DEFAULT_TASKS = ("datasets.tasks.count_download",)


def queue_name(prefix, kind):
    return f"{prefix}.{kind}"


def routes(prefix):
    """CELERY_TASK_ROUTES: each task of KINDS to its kind's queue."""
    return {task: {"queue": queue_name(prefix, kind)} for kind, tasks in KINDS.items() for task in tasks}


def declared(prefix, default_queue):
    """CELERY_TASK_QUEUES: what a worker started without -Q consumes (every queue: a one-worker install)."""
    names = [default_queue, *(queue_name(prefix, kind) for kind in KINDS)]
    return [Queue(name, Exchange(name), routing_key=name) for name in names]
