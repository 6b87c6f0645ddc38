from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.backends import get_search_backend


class Command(BaseCommand):
    help = ("Index every published dataset into a new index and switch searches to it (Elasticsearch: alias swap; "
            "its database fallback is only brought up to date, --backend database rebuilds that).")

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=["database", "elasticsearch"],
                            help="Rebuild this backend instead of settings.SEARCH_BACKEND.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")
        parser.add_argument("--apply-replicas", action="store_true",
                            help="Elasticsearch: give the current index SEARCH_ELASTICSEARCH_REPLICAS replicas now, "
                                 "without rebuilding (a change of SEARCH_ELASTICSEARCH_SHARDS needs the rebuild).")

    def handle(self, *args, backend=None, no_progress=False, apply_replicas=False, **options):
        engine = get_search_backend(backend)
        if apply_replicas:
            if engine.name != "elasticsearch":
                raise CommandError(f"--apply-replicas: the {engine.name} backend has no replicas")
            self.stdout.write(f"{engine.alias}: {engine.apply_replicas()} replica(s).")
            return
        with tqdm(unit="datasets", disable=no_progress, file=self.stderr) as bar:
            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            total = engine.rebuild(progress=progress)
        self.stdout.write(f"Indexed {total} dataset(s) with the {engine.name} backend.")
