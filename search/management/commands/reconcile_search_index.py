from django.core.management.base import BaseCommand, CommandError

from search.backends import get_search_backend


class Command(BaseCommand):
    help = ("Compare the database with the search index (ids and modification times), re-index what differs "
            "and replay updates recorded while Elasticsearch was unreachable.")

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=["database", "elasticsearch"])

    def handle(self, *args, backend=None, **options):
        engine = get_search_backend(backend)
        try:
            repaired = engine.reconcile()
        except Exception as error:
            raise CommandError(f"Reconciliation with the {engine.name} backend failed: {error}") from error
        self.stdout.write(f"Repaired {len(repaired)} dataset(s) in the {engine.name} backend.")
