"""Keeping Dataset.metadata_score current: recomputed whenever the catalog announces a change.

The catalog announces every change (datasets.signals.dataset_changed, once per transaction, with
every dataset it changed: a harvest batch of thousands is one announcement), and this recomputes
those datasets in batches of a fixed number of queries. The stored score changes with a queryset
update: not an edit of the dataset (no `modified` bump, no history entry). The datasets whose
score changed are announced again, so the search index takes the new score; that second round
finds every score current and stops.
"""
from django.db import transaction

from datasets.models import Dataset
from datasets.services.announcements import announce_dataset_changed

from ..metadata_score import scores_for

BATCH = 500


def refresh_scores(dataset_ids):
    """Recompute and store the scores of these datasets (missing ones are skipped); returns the ids
    whose score changed, which are announced."""
    ids = sorted(set(dataset_ids))
    changed = []
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            by_score = {}
            for pk, (stored, score) in scores_for(Dataset.objects.filter(pk__in=ids[start:start + BATCH])).items():
                if stored != score:
                    by_score.setdefault(score, []).append(pk)
            for score, pks in by_score.items():
                Dataset.objects.filter(pk__in=pks).update(metadata_score=score)
                changed += pks
        for pk in changed:
            announce_dataset_changed(pk)
    return sorted(changed)

