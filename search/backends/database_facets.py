"""The database backend's total and facet counts: one statement over the search's scope."""
from django.db import connection

from datasets.facets import QUALITY_RANGES

from ..models import SearchTerm
from .base import FACET_FILTERS, FACET_SIZE, sorted_counts
from .database_query import (
    MULTI_VALUED,
    RANGE_VALUED,
    SINGLE_VALUED,
    is_postgres,
    ranges,
)

TERMS = SearchTerm._meta.db_table


def _facet_sql(facet, values):
    """SQL condition (and params) on the scope's row `m` meaning: matches these facet values."""
    marks = ", ".join(["%s"] * len(values))
    if facet in RANGE_VALUED:
        bounds = ranges(values)
        return ("(" + " OR ".join([f"m.{RANGE_VALUED[facet]} BETWEEN %s AND %s"] * len(bounds)) + ")",
                [bound for pair in bounds for bound in pair])
    if facet in SINGLE_VALUED:
        return f"m.{SINGLE_VALUED[facet]} IN ({marks})", list(values)
    return (f"m.dataset_id IN (SELECT entry_id FROM {TERMS} WHERE facet = %s AND value IN ({marks}))",
            [MULTI_VALUED[facet], *values])


def _where(query, exclude=None):
    conditions, params = ["1 = 1"], []
    for facet, values in query.facet_filters(exclude=exclude).items():
        condition, condition_params = _facet_sql(facet, values)
        conditions.append(condition)
        params += condition_params
    return " AND ".join(conditions), params


def _range_value(column):
    """The QUALITY_RANGES bucket of a row as SQL (constants only: no user value reaches it)."""
    cases = " ".join(f"WHEN m.{column} BETWEEN {low:d} AND {high:d} THEN '{value}'" for value, low, high in QUALITY_RANGES)
    return f"(CASE {cases} ELSE '' END)"


def total_and_facets(scope, query):
    """The total and every facet's counts in one statement over the scope (text, base filters,
    visibility) evaluated once: each facet counts the rows matching the *other* facets' selection."""
    columns = ("dataset_id", *SINGLE_VALUED.values(), *RANGE_VALUED.values())
    scope_sql, scope_params = scope.order_by().values(*columns).query.sql_with_params()
    params = list(scope_params)
    parts, binary = [], ' COLLATE "C"' if is_postgres() else ""
    where, where_params = _where(query)
    parts.append(f"SELECT '', '', COUNT(*) FROM m WHERE {where}")
    params += where_params
    for facet in query.counted_facets:
        where, where_params = _where(query, exclude=facet)
        if facet in RANGE_VALUED:
            value = _range_value(RANGE_VALUED[facet])
            rows, rows_params = "m", [facet]
        elif facet in SINGLE_VALUED:
            value = f"m.{SINGLE_VALUED[facet]}"
            rows, rows_params = "m", [facet]
        else:
            value = "t.value"
            rows = f"m JOIN {TERMS} t ON t.entry_id = m.dataset_id AND t.facet = %s"
            rows_params = [facet, MULTI_VALUED[facet]]
        # The top FACET_SIZE in sorted_counts' order (code point order breaks ties on both databases).
        parts.append(f"SELECT * FROM (SELECT %s, {value}, COUNT(*) FROM {rows} WHERE {where} AND {value} <> '' "
                     f"GROUP BY {value} ORDER BY COUNT(*) DESC, {value}{binary} LIMIT {FACET_SIZE}) AS {facet}_counts")
        params += [*rows_params, *where_params]
    sql = f"WITH m AS MATERIALIZED ({scope_sql}) " + " UNION ALL ".join(parts)
    total, counts = 0, {facet: [] for facet in FACET_FILTERS}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, count in cursor.fetchall():
            if facet:
                counts[facet].append((value, count))
            else:
                total = count
    return total, {facet: sorted_counts(pairs) for facet, pairs in counts.items()}
