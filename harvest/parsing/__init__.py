"""Catalog importers: read a catalog file, map each entry to a Record, load Records via services.

A format module offers NAME, detect(document), entries(document) and parse(entry) -> Record.
"""
import gzip
import json

from . import data_gov_tw, dcat_us

FORMATS = {module.NAME: module for module in (dcat_us, data_gov_tw)}


class CatalogError(Exception):
    """The file cannot be read as a catalog at all (as opposed to one bad entry)."""


def read_document(path):
    """The parsed JSON of a catalog file, gzip-compressed or plain."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return json.loads(raw)
    except OSError as error:
        raise CatalogError(f"cannot read {path}: {error}") from None
    except ValueError as error:
        raise CatalogError(f"{path} is not a JSON catalog: {error}") from None


def detect_format(document):
    for name, module in FORMATS.items():
        if module.detect(document):
            return name
    raise CatalogError("unrecognized catalog format; pass --format (" + ", ".join(FORMATS) + ")")


def records(document, catalog_format):
    """Records of a document in the given format (lazily, one entry at a time)."""
    module = FORMATS[catalog_format]
    if not module.detect(document):
        raise CatalogError(f"the file is not a {catalog_format} catalog")
    return (module.parse(entry) for entry in module.entries(document))
