"""Write counted audit repeats into the log now (the periodic task does it every minute for finished minutes)."""
from django.core.management.base import BaseCommand

from audit import services


class Command(BaseCommand):
    help = "Write one audit entry per window of counted repeats (refusals, data queries)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Also close the minute still running.")

    def handle(self, *args, **options):
        self.stdout.write(f"{services.flush_repeats(include_current=options['now'])} repeat summaries written")
