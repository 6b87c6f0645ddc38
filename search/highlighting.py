"""Highlights for every backend: the original text, its matched words marked.

Matching happens on normalized tokens (search.query.token_spans maps them back to the text as
written), so a Simplified query marks the Traditional characters it found, and "province" marks
"provinces" when the query was widened to it.
"""
import html

from .query import token_spans

SNIPPET_CHARS = 160


def query_tokens(parsed):
    """Every token the positive terms and their alternatives look for."""
    return {token for term in parsed.terms for variant in term.variants for token in variant.tokens}


def highlight(text, tokens, snippet=False):
    """HTML-escaped text with <mark> around the words/characters that are query tokens, or ''."""
    spans = [(start, end) for start, end, token in token_spans(text) if token in tokens] if tokens and text else []
    if not spans:
        return ""
    if snippet and len(text) > SNIPPET_CHARS:
        start = max(0, spans[0][0] - SNIPPET_CHARS // 4)
        end = start + SNIPPET_CHARS
        spans = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
        prefix, suffix, text = ("…" if start else ""), ("…" if end < len(text) else ""), text[start:end]
    else:
        prefix = suffix = ""
    pieces, last = [], 0
    for start, end in spans:
        pieces += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    return prefix + "".join(pieces) + html.escape(text[last:]) + suffix


def highlights(parsed, title, description):
    """{"title": ..., "description": ...} for the fields that matched."""
    tokens = query_tokens(parsed)
    found = {"title": highlight(title, tokens), "description": highlight(description, tokens, snippet=True)}
    return {field: marked for field, marked in found.items() if marked}
