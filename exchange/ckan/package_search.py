"""`package_search`: CKAN's search parameters read into a SearchQuery, run by the portal's search backend.

The backend and the viewer filter are those of /api/v1/search/ (search.backends), so a dataset the
caller may not see is in no result, count or facet. `fq` becomes a search.conditions tree (.fq);
`q` is the portal's query text, with any `field:value` clause in it read as `fq` is.
"""
import re

from search.backends import QueryError, SearchQuery, get_search_backend
from search.backends.base import MAX_ROWS, MAX_WALK_WINDOW
from search.conditions import AllOf, FacetIs, Not

from . import params
from .dicts import package_dict
from .errors import SearchQueryError, ValidationFailed
from .fq import FACET_FIELDS, parse_fq
from .selectors import organization_slug_of, packages_in_order

DEFAULT_ROWS = 10
# CKAN's `field direction` -> the portal's order; "score desc" means nothing without text.
SORTS = {
    "score desc": "relevance", "metadata_modified desc": "modified", "metadata_modified asc": "modified_asc",
    "id asc": "id", "name asc": "title", "title_string asc": "title", "metadata_created desc": "newest",
    "views_recent desc": "downloads", "views_total desc": "downloads",
}
FACET_NAMES = {**{field: facet for field, facet in FACET_FIELDS.items() if field != "extras_open_grade"},
               "update_frequency": "update_frequency"}
_FIELD_CLAUSE = re.compile(r"[+-]?(?:%s):\S" % "|".join(map(re.escape, [*FACET_FIELDS, "metadata_modified",
                                                                         "owner_org"])))


def _order(sort, has_text):
    pairs = [" ".join(pair.split()).lower() for pair in sort.split(",") if pair.strip()]
    for pair in pairs:
        if pair not in SORTS:
            raise SearchQueryError(f"cannot sort by {pair!r}; sorts: {', '.join(SORTS)}")
    for pair in pairs:
        if pair != "score desc" or has_text:
            return SORTS[pair]
    return "relevance"


def _split_q(q):
    """(text, fq clauses) of `q`: `field:value` words of fields fq knows are filters, the rest is text."""
    q = "" if q.strip() == "*:*" else q
    words, clauses = [], []
    for word in q.split():
        (clauses if _FIELD_CLAUSE.match(word) else words).append(word)
    return " ".join(words), " ".join(clauses)


def _facets(results, fields, limit, mincount):
    facets, search_facets = {}, {}
    for field in fields:
        entries = results.facets.get(FACET_NAMES.get(field), [])
        entries = [entry for entry in entries if entry[2] >= mincount]
        entries = entries if limit < 0 else entries[:limit]
        facets[field] = {value: count for value, _label, count in entries}
        search_facets[field] = {"title": field, "items": [
            {"name": value, "display_name": label, "count": count} for value, label, count in entries]}
    return facets, search_facets


def package_search(call):
    """Search datasets (CKAN's parameters: q, fq, fq_list, rows, start, sort, facet, facet.field,
    facet.limit, facet.mincount, include_private)."""
    data = call.data
    text, q_clauses = _split_q(params.text(data, "q"))
    rows = params.integer(data, "rows", DEFAULT_ROWS, maximum=MAX_ROWS)
    start = params.integer(data, "start", 0, maximum=MAX_WALK_WINDOW)
    filters = [params.text(data, "fq"), q_clauses, *params.string_list(data, "fq_list")]
    conditions = [parse_fq(text, organization_of=organization_slug_of, now=call.now) for text in filters]
    conditions = [condition for condition in conditions if condition is not None]
    if not params.boolean(data, "include_private", False):
        conditions.append(Not(FacetIs("open_grade", ("restricted",))))
    sort = params.text(data, "sort") or "score desc, metadata_modified desc"
    fields = params.string_list(data, "facet.field") if params.boolean(data, "facet", True) else []
    limit, mincount = params.integer(data, "facet.limit", 50, minimum=-1), params.integer(data, "facet.mincount", 1)
    try:
        query = SearchQuery(text=text, viewer=call.viewer, condition=AllOf(tuple(conditions)),
                            sort=_order(sort, bool(text.strip())), start=start, rows=rows,
                            counted_facets=tuple(FACET_NAMES[field] for field in fields if field in FACET_NAMES))
    except QueryError as error:
        raise ValidationFailed(error.field, error.message) from None
    results = get_search_backend().search(query)
    packages = packages_in_order(call.viewer, results.dataset_ids)
    facets, search_facets = _facets(results, fields, limit, mincount)
    return {
        "count": results.total, "sort": sort, "facets": facets, "search_facets": search_facets,
        "results": [package_dict(dataset, call.links, call.viewer) for dataset in packages],
    }
