"""A harvested dataset's provenance and the fields its source owns, as the catalog asks for them.

Registered in HarvestConfig.ready with datasets.provenance (the API's and the page's "provenance")
and datasets.field_owners (update_dataset refuses a change to a field the source owns).
"""
from .models import HarvestedDataset


def _link(dataset):
    if not dataset.pk:
        return None
    return HarvestedDataset.objects.select_related("source").filter(dataset=dataset).first()


def describe_provenance(dataset):
    link = _link(dataset)
    if link is None:
        return []
    return [{"kind": "harvest", "source": link.source.name, "source_url": link.source.url,
             "remote_id": link.remote_id, "original_url": link.original_url,
             "last_harvested": link.last_harvested.isoformat()}]


def describe_owned_fields(dataset):
    link = _link(dataset)
    return None if link is None else (link.source.name, set(link.owned_fields))
