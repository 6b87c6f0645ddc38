"""Helpers of the search UI tests (their fixtures are in conftest.py): index names and reading answers."""
import os

# Derived from the run's own prefix so parallel runs never share indices.
INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "portal-test") + "-ui"


def identifiers(body):
    return [item["identifier"] for item in body["results"]]


def facet(body, name):
    """{value: (count, selected)} of one facet of an API answer."""
    return {row["value"]: (row["count"], row["selected"]) for row in body["facets"][name]}
