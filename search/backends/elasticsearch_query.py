"""The Elasticsearch backend's query DSL: text, the viewer's visibility, filters, facets, hits."""
import datetime

from elasticsearch.dsl import A, Q

from datasets.facets import QUALITY_RANGES, quality_range

from .. import withdrawals
from ..conditions import fold
from ..highlighting import highlights
from .base import FACET_SIZE, Hit, local_day_start

FACET_FIELDS = {
    "organization": "organization_slug", "theme": "themes", "keyword": "keywords", "format": "formats",
    "open_grade": "open_grade", "licence": "licence", "update_frequency": "update_frequency",
    "quality": "metadata_score",
}
# Facets whose values are ranges of a number field (database_query.RANGE_VALUED's).
RANGE_FACETS = {"quality"}
SORTS = {
    "relevance": ["_score", {"published_at": "desc"}, {"id": "desc"}],
    "newest": [{"published_at": "desc"}, {"id": "desc"}],
    "modified": [{"modified": "desc"}, {"id": "desc"}],
    "title": [{"title_sort": "asc"}, {"id": "asc"}],
    "downloads": [{"download_count": "desc"}, {"id": "desc"}],
    # unmapped_type: an index built before the score existed sorts as if none had one (until rebuilt).
    "quality": [{"metadata_score": {"order": "desc", "missing": "_last", "unmapped_type": "short"}}, {"id": "desc"}],
    "id": [{"id": "asc"}],
    "modified_asc": [{"modified": "asc"}, {"id": "asc"}],
}
RANKED_FIELDS = ["title^6", "title_en^6", "keywords_text^4", "keywords_en_text^4", "organization_name_zh^2",
                 "organization_name_en^2", "theme_names^2", "description", "description_en"]
# Above any sum of text scores (each at most a few hundred per query word).
EXACT_TITLE_BOOST = 1_000_000
STEMMED_TITLE_BOOST = 900_000
# The words as typed weigh more than their alternatives (stems, synonyms, typo corrections).
EXACT_VARIANT_BOOST = 2.0


def _variant_query(term, boost=1.0):
    if term.phrase:
        return Q("match_phrase", all_text={"query": term.text, "boost": boost})
    return Q("match", all_text={"query": term.text, "operator": "and", "boost": boost})


def _term_query(term):
    """The term as typed or any of its alternatives (search.expansion), the typed one scoring more."""
    if not term.alternatives:
        return _variant_query(term)
    return Q("bool", minimum_should_match=1, should=[
        _variant_query(term, EXACT_VARIANT_BOOST), *(_variant_query(variant) for variant in term.alternatives)])


def text_query(parsed):
    must = [_term_query(term) for term in parsed.terms] or [Q("match_all")]
    should = []
    if parsed.terms:
        text = parsed.positive_text
        should = [
            # A title that is exactly the query comes first, as on the database backend; the text scores
            # cannot tell it from longer titles containing it (Lucene's length norms are coarse).
            Q("constant_score", filter=Q("term", title_tokens=parsed.token_text), boost=EXACT_TITLE_BOOST),
            Q("constant_score", filter=Q("term", title_stems=parsed.stem_text), boost=STEMMED_TITLE_BOOST),
            Q("multi_match", query=text, fields=RANKED_FIELDS),
            Q("match_phrase", title={"query": text, "slop": 2, "boost": 4}),
            Q("match", **{"title.shingle": {"query": text, "boost": 3}}),
            Q("match", **{"all_text.shingle": {"query": text}}),
        ]
    return Q("bool", must=must, must_not=[_term_query(term) for term in parsed.excluded], should=should)


def visibility_filter(viewer):
    """Published, not withdrawn, and the viewer's visibility terms (datasets.grading) in the DSL."""
    terms = viewer.terms
    clauses = [Q("term", state="published")]
    withdrawn = withdrawals.withdrawn_ids()
    if withdrawn:
        clauses.append(Q("bool", must_not=[Q("ids", values=[str(pk) for pk in withdrawn])]))
    if not terms.everything:
        either = [Q("bool", filter=[Q("terms", state=list(terms.public_states)),
                                    Q("terms", open_grade=list(terms.public_grades))])]
        if terms.organization_ids:
            either.append(Q("terms", organization_id=list(terms.organization_ids)))
        clauses.append(Q("bool", should=either, minimum_should_match=1))
    return clauses


def facet_clause(facet, values):
    """Any of the facet's values: terms, or for a range facet any of the ranges."""
    field = FACET_FIELDS[facet]
    if facet in RANGE_FACETS:
        return Q("bool", minimum_should_match=1, should=[
            Q("range", **{field: {"gte": low, "lte": high}}) for low, high in map(quality_range, values)])
    return Q("terms", **{field: list(values)})


def facet_aggregation(facet):
    """The aggregation counting a facet's values: its terms, or the fixed QUALITY_RANGES buckets."""
    if facet in RANGE_FACETS:
        return A("range", field=FACET_FIELDS[facet],
                 ranges=[{"key": value, "from": low, "to": high + 1} for value, low, high in QUALITY_RANGES])
    return A("terms", field=FACET_FIELDS[facet], size=FACET_SIZE, order=[{"_count": "desc"}, {"_key": "asc"}])


def condition_filter(condition):
    """A search.conditions tree in the DSL."""
    def modified(start, end):
        bounds = {key: value.isoformat() for key, value in (("gte", start), ("lte", end)) if value}
        return Q("range", modified=bounds) if bounds else Q("match_all")

    return fold(condition, facet=facet_clause,
                modified=modified, negate=lambda clause: Q("bool", must_not=[clause]),
                both=lambda clauses: Q("bool", filter=clauses),
                either=lambda clauses: Q("bool", should=clauses, minimum_should_match=1) if clauses
                else Q("match_none"))


def base_filters(query):
    """Filters that are not facets: region, dates, temporal overlap, bbox intersection, any condition."""
    clauses = [] if query.condition is None else [condition_filter(query.condition)]
    if query.region:
        clauses.append(Q("term", region=query.region))
    for field, prefix in (("modified", "modified"), ("published_at", "published")):
        start, end = getattr(query, f"{prefix}_from"), getattr(query, f"{prefix}_to")
        bounds = {}
        if start:
            bounds["gte"] = local_day_start(start).isoformat()
        if end:
            bounds["lt"] = local_day_start(end + datetime.timedelta(days=1)).isoformat()
        if bounds:
            clauses.append(Q("range", **{field: bounds}))
    if query.temporal_start or query.temporal_end:
        clauses.append(Q("bool", should=[Q("exists", field="temporal_start"), Q("exists", field="temporal_end")],
                         minimum_should_match=1))
        for field, bound, value in (("temporal_start", "lte", query.temporal_end),
                                    ("temporal_end", "gte", query.temporal_start)):
            if value:
                clauses.append(Q("bool", minimum_should_match=1, should=[
                    Q("range", **{field: {bound: value.isoformat()}}),
                    Q("bool", must_not=[Q("exists", field=field)]),
                ]))
    if query.bbox:
        west, south, east, north = query.bbox
        for field, bound, value in (("bbox_west", "lte", east), ("bbox_east", "gte", west),
                                    ("bbox_south", "lte", north), ("bbox_north", "gte", south)):
            clauses.append(Q("range", **{field: {bound: value}}))
    return clauses


def facet_filters(filters):
    return [facet_clause(facet, values) for facet, values in filters.items()]


def hit_from(raw, parsed=None):
    """A Hit from one raw response hit (`_source` limited to the summary, which an index built before
    summaries existed lacks: search.summaries then builds it from the database), highlighted for `parsed`."""
    summary = raw.get("_source", {}).get("summary") or {}
    marked = highlights(parsed, summary.get("title", ""), summary.get("description", "")) if parsed else {}
    return Hit(int(raw["_id"]), float(raw.get("_score") or 0.0), marked, summary)
