"""Filter conditions beyond the facet selections: boolean combinations of facet values and time ranges.

The facet selections of a SearchQuery are one fixed shape (any of the values within a facet, every
facet with a selection). Machine clients filter more freely: the CKAN Action API's `fq`
(exchange.ckan) sends `-organization:x`, `tags:a OR groups:b` or `metadata_modified:[... TO *]`. They
arrive here as a tree of these values, which each backend folds into its own filter (`fold`), applied
like the base filters: to the total, the hits and every facet count.
"""
import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class FacetIs:
    """The dataset has any of `values` in `facet` (one of search.backends.base.FACETS)."""

    facet: str
    values: tuple


@dataclass(frozen=True)
class ModifiedWithin:
    """The dataset was last modified within [start, end], both inclusive, either open (None)."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None


@dataclass(frozen=True)
class Not:
    condition: object


@dataclass(frozen=True)
class AllOf:
    conditions: tuple


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple


# What AllOf(()) means and AnyOf(()) does not: every dataset.
EVERYTHING = AllOf(())
NOTHING = AnyOf(())


def fold(condition, *, facet, modified, negate, both, either):
    """The condition in an engine's terms: `facet(name, values)`, `modified(start, end)` for the leaves,
    `negate(x)`, `both([xs])`, `either([xs])` for the rest (`both([])` is everything, `either([])` nothing)."""
    def visit(node):
        if isinstance(node, FacetIs):
            return facet(node.facet, node.values)
        if isinstance(node, ModifiedWithin):
            return modified(node.start, node.end)
        if isinstance(node, Not):
            return negate(visit(node.condition))
        if isinstance(node, AllOf):
            return both([visit(child) for child in node.conditions])
        if isinstance(node, AnyOf):
            return either([visit(child) for child in node.conditions])
        raise TypeError(f"not a search condition: {node!r}")

    return visit(condition)
