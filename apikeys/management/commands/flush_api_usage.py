"""Sum buffered API usage into the database now (the periodic task does it every minute)."""
from django.core.management.base import BaseCommand

from apikeys import metering


class Command(BaseCommand):
    help = "Flush buffered API usage records from Redis into UsageDaily."

    def handle(self, *args, **options):
        self.stdout.write(f"{metering.flush_usage()} usage records flushed")
