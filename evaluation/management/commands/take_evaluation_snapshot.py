"""manage.py take_evaluation_snapshot [--month YYYY-MM]: the evaluation's snapshot of a month, now."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluation import months, services


class Command(BaseCommand):
    help = ("Compute the evaluation's figures of a month (default: the current one) for the platform and every "
            "department. A month that has ended keeps the snapshot it has.")

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the current month)")

    def handle(self, *args, month=None, **options):
        try:
            chosen = months.parse(month) if month else months.current()
            started = timezone.now()
            taken = services.take_snapshot(chosen)
        except ValueError as error:
            raise CommandError(str(error)) from None
        label = months.label(chosen)
        if taken:
            seconds = (timezone.now() - started).total_seconds()
            self.stdout.write(self.style.SUCCESS(f"Evaluation snapshot of {label} taken in {seconds:.1f}s."))
        else:
            self.stdout.write(f"{label} has ended and has a snapshot: kept as it is.")
