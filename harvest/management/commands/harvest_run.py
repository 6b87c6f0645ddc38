"""manage.py harvest_run SOURCE_ID: run one job of a harvest source in the foreground and print its counts."""
from django.core.management.base import BaseCommand, CommandError

from core.exceptions import Conflict
from harvest.models import HarvestSource
from harvest.services.jobs import create_job, run_job

COUNTS = ("read", "created_count", "updated_count", "unchanged_count", "archived_count", "deleted_count",
          "failed_count", "skipped_count")


class Command(BaseCommand):
    help = "Run one harvest job of a source now, in this process (as a worker would), and print its report."

    def add_arguments(self, parser):
        parser.add_argument("source_id", type=int)
        parser.add_argument("--dry-run", action="store_true", help="show the first records' outcomes, write nothing")
        parser.add_argument("--full", action="store_true", help="ask for every record, not only the changed ones")

    def handle(self, *args, source_id, dry_run=False, full=False, **options):
        source = HarvestSource.objects.filter(pk=source_id).first()
        if source is None:
            raise CommandError(f"no harvest source {source_id}")
        try:
            job = create_job(user=None, source=source, dry_run=dry_run, full=full)
        except Conflict as error:
            raise CommandError(str(error)) from None
        job = run_job(job.pk)
        seconds = (job.finished - job.started).total_seconds()
        self.stdout.write(f"job {job.pk} of {source}: {job.status} in {seconds:.1f} s")
        if job.reason:
            self.stdout.write(f"  reason: {job.reason}")
        for name in COUNTS:
            self.stdout.write(f"  {name.removesuffix('_count'):<10} {getattr(job, name):>8}")
        for entry in job.preview:
            self.stdout.write(f"  [{entry['outcome']}] {entry['remote_id']} {entry['title']} {entry['error']}")
