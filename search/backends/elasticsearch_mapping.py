"""What Elasticsearch indexes of a document: the mapping, and the source sent for each document.

Elasticsearch cannot run the portal's normalizer (search.normalizer: OpenCC has no analysis
plugin in the server here), so the source's searched text is normalized in Python and the
server's analyzer only splits it, as the database backend's tokenizer does. Values shown or
filtered keep their original form: facets (`keywords`, `region`) are keywords as written, with
normalized `*_text` copies searched; `title_sort` is the title as written; results are built from
the `summary` and highlighted in Python (search.highlighting).
"""
from django.conf import settings
from elasticsearch.dsl import Mapping, analyzer, token_filter
from elasticsearch.dsl.field import Date, Double, Keyword, Long, Object, Short, Text

from ..documents import TEXT_FIELDS
from ..normalizer import normalize

# Keyword fields searched through a normalized text copy: {keyword field: text field}.
SEARCHED_COPIES = {"keywords": "keywords_text", "keywords_en": "keywords_en_text", "region": "region_text"}
NORMALIZED_FIELDS = tuple(
    name for group in TEXT_FIELDS.values() for name in group if name not in SEARCHED_COPIES
    and name not in ("organization_slug", "formats")
)


def setting(name, default):
    """An Elasticsearch setting, with its default when a settings module leaves it out."""
    return getattr(settings, name, default)


def build_mapping():
    text_analyzer = setting("SEARCH_ELASTICSEARCH_TEXT_ANALYZER", "standard")
    shingles = analyzer(
        "portal_shingle",
        tokenizer=setting("SEARCH_ELASTICSEARCH_SHINGLE_TOKENIZER", "standard"),
        filter=["lowercase", token_filter("portal_bigram", "shingle", min_shingle_size=2, max_shingle_size=2,
                                          output_unigrams=False)],
    )

    def text(**extra):
        return Text(analyzer=text_analyzer, copy_to="all_text", **extra)

    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    fields = {
        "id": Long(), "identifier": Keyword(),
        "title": text(fields={"shingle": Text(analyzer=shingles)}),
        "title_sort": Keyword(ignore_above=1024),
        "title_tokens": Keyword(ignore_above=4096),
        "title_stems": Keyword(ignore_above=4096),
        "title_en": text(),
        "description": text(),
        "description_en": text(),
        "keywords": Keyword(), "keywords_text": text(),
        "keywords_en": Keyword(), "keywords_en_text": text(),
        "organization_id": Long(), "organization_slug": Keyword(copy_to="all_text"),
        "organization_name_zh": text(), "organization_name_en": text(),
        "themes": Keyword(), "theme_names": text(),
        "resource_names": text(), "formats": Keyword(copy_to="all_text"), "columns": text(),
        "licence": Keyword(), "open_grade": Keyword(), "state": Keyword(), "update_frequency": Keyword(),
        "region": Keyword(), "region_text": text(),
        "modified": Date(), "published_at": Date(), "temporal_start": Date(), "temporal_end": Date(),
        "bbox_west": Double(), "bbox_south": Double(), "bbox_east": Double(), "bbox_north": Double(),
        "download_count": Long(),
        "metadata_score": Short(),
        "all_text": Text(analyzer=text_analyzer, fields={"shingle": Text(analyzer=shingles)}),
        # Returned with hits, never searched.
        "summary": Object(enabled=False),
    }
    for name, field in fields.items():
        mapping.field(name, field)
    return mapping


def _normalized(value):
    if isinstance(value, list):
        return [normalize(item) for item in value if item]
    return normalize(value) if value else value


def source_of(document):
    """The `_source` Elasticsearch indexes for a document (search.documents)."""
    source = {**document, "title_sort": document["title"]}
    for name in NORMALIZED_FIELDS:
        source[name] = _normalized(document.get(name))
    for name, copy in SEARCHED_COPIES.items():
        source[copy] = _normalized(document.get(name))
    return source
