"""manage.py index_datastore_columns: index now the columns the rows API is asked for most (the hourly task's work)."""
from django.core.management.base import BaseCommand

from datastore import indexing


class Command(BaseCommand):
    help = "Index the most filtered and sorted columns of every serving datastore table (datastore.indexing)."

    def handle(self, *args, **options):
        added = indexing.index_serving_tables()
        for table, entries in added.items():
            self.stdout.write(f"{table}: {', '.join(entries)}")
        self.stdout.write(f"{len(added)} tables given new indexes.")
