"""What a query's terms expand to. Placeholder from synonyms alone: the lead's module replaces this
file on merge and keeps `describe`'s contract (used by the synonyms preview)."""
from .query import parse_query
from .synonyms import synonyms_of


def describe(text):
    """[{"term": str, "alternatives": [{"text": str, "kind": "synonym"}]}] for each positive term of `text`."""
    return [
        {"term": term.text, "alternatives": [{"text": other, "kind": "synonym"} for other in synonyms_of(term.text)]}
        for term in parse_query(text).terms
    ]
