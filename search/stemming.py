"""English Snowball stems and stop words, one rule for every backend.

Stems are not indexed: each backend indexes the normalized words, and a query word is expanded
(search.expansion) into the indexed words sharing its stem (search.lexicon records every indexed
word with its stem), so "province" finds "provinces" on Elasticsearch, PostgreSQL and SQLite alike,
with the word as typed still scoring higher. Stop words are searched only when a query has nothing else.
"""
import threading

import Stemmer

# Lucene's English stop set (Elasticsearch's `_english_`), so the rule is the one people know.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there "
    "these they this to was will with".split()
)
MIN_STEMMED_LENGTH = 3
_local = threading.local()


def _stemmer():
    """PyStemmer objects are not shared between threads."""
    if not hasattr(_local, "stemmer"):
        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


def is_word(token):
    """A token of letters only, not a single ideograph: what stems, stop words and typo corrections apply to."""
    return len(token) > 1 and token.isalpha()


def stem(token):
    """The Snowball English stem of a normalized token; other tokens are their own stem."""
    if len(token) < MIN_STEMMED_LENGTH or not token.isalpha() or not token.isascii():
        return token
    return _stemmer().stemWord(token)


def stems(tokens):
    return [stem(token) for token in tokens]
