"""manage.py refresh_metadata_scores: compute every dataset's metadata score (a catalog from before scores, or a
change of the criteria); the datasets whose score changed are announced, so the search index follows."""
from django.core.management.base import BaseCommand

from datasets.models import Dataset
from quality.services.scores import refresh_scores

# Datasets per transaction: a large catalog is not refreshed in one long transaction.
CHUNK = 2000


class Command(BaseCommand):
    help = "Recompute the metadata quality score of every dataset and re-index those whose score changed."

    def handle(self, *args, **options):
        ids = list(Dataset.objects.order_by("pk").values_list("pk", flat=True))
        changed = 0
        for start in range(0, len(ids), CHUNK):
            changed += len(refresh_scores(ids[start:start + CHUNK]))
        self.stdout.write(f"Metadata scores of {len(ids)} dataset(s) computed, {changed} changed.")
