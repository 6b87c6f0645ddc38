"""Harvesting's reach: core.fetching's door with the HARVEST_* limits, read when a job or a save asks."""
from django.conf import settings

from core.fetching import Fetcher, check_url


def fetch_limits():
    return {"timeout": settings.HARVEST_TIMEOUT_SECONDS, "max_bytes": settings.HARVEST_MAX_BYTES,
            "allow_private": settings.HARVEST_ALLOW_PRIVATE_ADDRESSES}


def harvest_fetcher():
    return Fetcher(**fetch_limits())


def check_source_url(url):
    """The check a source's URL passes when the source is saved: ValidationError({"url": reason})."""
    check_url(url, allow_private=settings.HARVEST_ALLOW_PRIVATE_ADDRESSES)
