"""The indexed vocabulary: every word the database index holds, its stem, and the typo corrections it offers.

Words (search.stemming.is_word: letters only; single ideographs are not words here) are recorded by
the database backend as it writes entries, which Elasticsearch's writes go through too, so one
vocabulary serves every backend. It answers two questions for search.expansion:

- which indexed words share a stem with a query word ("province" -> "provinces"), and
- which words of titles and keywords are one or two edits from a query word (Elasticsearch's
  fuzziness AUTO: none below 3 letters, one up to 5, two beyond; the first letter kept; a
  transposition is one edit). Candidates come from trigram similarity, pg_trgm on PostgreSQL and
  an FTS5 trigram table on SQLite (migration 0004), and are then checked by edit distance.
"""
import time

from django.db import connection
from rapidfuzz.distance import DamerauLevenshtein

from .models import SearchWord
from .stemming import is_word, stem

MAX_WORD_LENGTH = 100
MAX_SIBLINGS = 8
MAX_CORRECTIONS = 3
TRIGRAM_CANDIDATES = 40
TRIGRAM_SIMILARITY = 0.2
# Lookups of query words are kept this long in each process (popular queries repeat); this process's
# own index writes drop them at once, other processes' writes are seen within these seconds.
LOOKUP_SECONDS = 60.0
LOOKUP_CACHE_SIZE = 20_000  # words; the whole cache is dropped past it
_LOOKED_UP = {}  # {word: (siblings, known, monotonic time)}


def _words(tokens):
    return {token for token in tokens if is_word(token) and len(token) <= MAX_WORD_LENGTH}


def record(title_tokens, other_tokens):
    """Add these documents' words (two iterables of tokens: titles and keywords, the rest) in two statements."""
    _LOOKED_UP.clear()
    titles = _words(title_tokens)
    others = _words(other_tokens) - titles
    SearchWord.objects.bulk_create([SearchWord(word=word, stem=stem(word)) for word in sorted(others)],
                                   ignore_conflicts=True, batch_size=1000)
    SearchWord.objects.bulk_create([SearchWord(word=word, stem=stem(word), in_titles=True) for word in sorted(titles)],
                                   update_conflicts=True, unique_fields=["word"], update_fields=["in_titles"],
                                   batch_size=1000)


def clear():
    _LOOKED_UP.clear()
    SearchWord.objects.all().delete()


def look_up(tokens):
    """For the word tokens among these: ({token: indexed words sharing its stem, other than the token},
    the tokens that are indexed words themselves). One query for the tokens not looked up lately."""
    words = _words(tokens)
    now = time.monotonic()
    if len(_LOOKED_UP) > LOOKUP_CACHE_SIZE:
        _LOOKED_UP.clear()
    missing = {word for word in words if now - _LOOKED_UP.get(word, (None, None, -LOOKUP_SECONDS))[2] >= LOOKUP_SECONDS}
    if missing:
        by_stem, found = {}, {word: ([], False) for word in missing}
        for word in missing:
            by_stem.setdefault(stem(word), []).append(word)
        rows = SearchWord.objects.filter(stem__in=list(by_stem)).order_by("word").values_list("stem", "word")
        for word_stem, word in rows:
            for token in by_stem[word_stem]:
                siblings, known = found[token]
                if word == token:
                    found[token] = (siblings, True)
                elif len(siblings) < MAX_SIBLINGS:
                    siblings.append(word)
        for word, (siblings, known) in found.items():
            _LOOKED_UP[word] = (tuple(siblings), known, now)
    entries = {word: _LOOKED_UP[word] for word in words}
    return ({word: list(siblings) for word, (siblings, _known, _at) in entries.items() if siblings},
            {word for word, (_siblings, known, _at) in entries.items() if known})


def allowed_edits(word):
    return 0 if len(word) < 3 else 1 if len(word) <= 5 else 2


def _trigram_candidates(word):
    """Title and keyword words sharing trigrams with `word`, most similar first."""
    table = SearchWord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET pg_trgm.similarity_threshold = %s", [TRIGRAM_SIMILARITY])
            cursor.execute(f"SELECT word FROM {table} WHERE in_titles AND word %% %s AND left(word, 1) = %s "
                           f"ORDER BY similarity(word, %s) DESC, word LIMIT %s",
                           [word, word[0], word, TRIGRAM_CANDIDATES])
        else:
            trigrams = {word[index:index + 3] for index in range(len(word) - 2)}
            expression = " OR ".join('"' + trigram.replace('"', '""') + '"' for trigram in sorted(trigrams))
            cursor.execute(f"SELECT w.word FROM search_word_trigrams t JOIN {table} w ON w.rowid = t.rowid "
                           f"WHERE search_word_trigrams MATCH %s AND w.in_titles AND substr(w.word, 1, 1) = %s "
                           f"ORDER BY t.rank, w.word LIMIT %s", [expression, word[0], TRIGRAM_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def corrections(word):
    """Title and keyword words within the allowed edits of `word` (not `word` itself), closest first."""
    edits = allowed_edits(word)
    if not edits or not is_word(word) or len(word) > MAX_WORD_LENGTH:
        return []
    scored = []
    for candidate in _trigram_candidates(word):
        if candidate == word or candidate[0] != word[0] or abs(len(candidate) - len(word)) > edits:
            continue
        distance = DamerauLevenshtein.distance(word, candidate, score_cutoff=edits)
        if distance <= edits:
            scored.append((distance, abs(len(candidate) - len(word)), candidate))
    return [candidate for *_rank, candidate in sorted(scored)[:MAX_CORRECTIONS]]
