"""manage.py import_catalog PATH: load a DCAT-US data.json or data.gov.tw export into the catalog.

A thin command over harvesting: the file is a harvest source of its own, run as one job by the
same loader as every harvest (so a second import finds its datasets unchanged).
"""
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import Conflict
from harvest import parsing
from harvest.models import RecordOutcome, SourceKind
from harvest.parsing.records import Report
from harvest.services.jobs import create_job, file_source, run_job
from organizations.models import Organization

KINDS = {"dcat-us": SourceKind.DATA_JSON, "data-gov-tw": SourceKind.DATA_GOV_TW}
LOADED = (RecordOutcome.CREATED, RecordOutcome.UPDATED, RecordOutcome.UNCHANGED)
PROGRESS_EVERY = 500


class Command(BaseCommand):
    help = (
        "Import a catalog (DCAT-US 1.1 data.json or data.gov.tw JSON, gzip or plain) through the "
        "harvest loader; running it again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="catalog file (.json or .json.gz)")
        parser.add_argument("--organization", metavar="SLUG",
                            help="put every dataset in this organization (default: one per publisher)")
        parser.add_argument("--format", choices=sorted(parsing.FORMATS), help="default: detected from the content")
        parser.add_argument("--publish", action="store_true", help="publish new datasets (default: drafts)")
        parser.add_argument("--limit", type=int, metavar="N", help="read only the first N entries")
        parser.add_argument("--report", metavar="FILE", help="also write the report as JSON to FILE")

    def handle(self, *args, path, organization=None, format=None, publish=False, limit=None, report=None, **options):
        if limit is not None and limit < 0:
            raise CommandError("--limit must be 0 or more")
        target = None
        if organization:
            target = Organization.objects.filter(slug=organization).first()
            if target is None:
                raise CommandError(f"no organization with slug {organization!r}")
        started = time.monotonic()
        try:
            document = parsing.read_document(path)
            catalog_format = format or parsing.detect_format(document)
            records = parsing.records(document, catalog_format)
        except parsing.CatalogError as error:
            raise CommandError(str(error)) from None
        result = Report(Path(path).name, catalog_format)
        source = file_source(path, KINDS[catalog_format], organization=target, publish=publish)
        try:
            job = create_job(user=None, source=source, full=True)
        except Conflict as error:
            raise CommandError(str(error)) from None
        run_job(job.pk, records=records, limit=limit,
                listener=lambda plan: self._hear(result, plan, options["verbosity"] >= 2))
        result.seconds = time.monotonic() - started
        self.stdout.write(result.as_table())
        self.stdout.write(self.style.SUCCESS(result.summary()))
        if report:
            Path(report).write_text(result.as_json() + "\n", encoding="utf-8")

    def _hear(self, result, plan, progress):
        record = plan.record
        result.read += 1
        if plan.outcome in LOADED:
            result.count(plan.outcome)
            result.count_fields(record)
            for note in dict.fromkeys(record.notes):
                result.note(note, record.source_id)
        else:
            result.skip(plan.error, record.source_id)
        if progress and result.read % PROGRESS_EVERY == 0:
            self.stderr.write(f"  ... {result.read} read, {result.summary()}")
