"""User query text -> a safe, structured query; and the one tokenizer the database backend indexes with.

Whatever a user types (unbalanced quotes, Lucene operators, control characters,
emoji, 10,000 characters) becomes a `ParsedQuery` of plain terms; no backend
ever receives raw text as query syntax. Supported syntax:

- ``word``: the term must occur (all its tokens, anywhere in the document);
- ``"a phrase"`` and any term containing Han characters (``公交``): its tokens
  must occur next to each other;
- ``-word`` / ``-"a phrase"``: documents containing it are left out.

Text is first normalized (search.normalizer: NFKC, case folding, Traditional -> Simplified), as
indexed text is. English stop words ("the", "of"...) are not required unless the query has nothing
else (search.stemming); a term's alternatives (stems, synonyms, typo corrections) are added later
by search.expansion. Only letters, digits and marks survive (plus ``. ' _ -`` inside a term, and
``,`` between digits, so the Elasticsearch analyzer sees ``PM2.5`` and ``1,000``
as they were indexed); everything else is a separator. Han and kana characters are tokens of one character each, the way
Elasticsearch's standard tokenizer splits them, so both backends agree.
"""
import dataclasses
import re
import unicodedata
from dataclasses import dataclass

from .normalizer import normalize, normalize_with_offsets
from .stemming import STOP_WORDS, stems

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
TERM_JOINERS = ".'_-"

# Han (incl. extension A and compatibility ideographs) and Hiragana: one token per character.
_SINGLE_CHAR_TOKEN = re.compile(r"[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD_PIECE = re.compile(_SINGLE_CHAR_TOKEN.pattern + r"|(?:(?!" + _SINGLE_CHAR_TOKEN.pattern + r")[^\W_])+")
_QUOTED_OR_WORD = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    """One thing to look for: `text` for analyzers, `tokens` for the database index.

    A document matches the term when it matches the term itself or one of its `alternatives`
    (Terms of kind "stem", "synonym" or "typo", search.expansion); the term as typed scores higher.
    """

    text: str
    tokens: tuple
    phrase: bool = False
    kind: str = "exact"
    alternatives: tuple = ()

    @property
    def variants(self):
        """The term itself, then its alternatives."""
        return (self, *self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple = ()
    excluded: tuple = ()
    # Every positive word's tokens in order, stop words included: the exact-title key.
    title_tokens: tuple = ()
    # Words of the positive terms that no indexed text holds (search.expansion): what typo corrections fix.
    unknown_words: tuple = ()

    @property
    def is_empty(self):
        """No positive term: the query browses (filters only), exclusions still apply."""
        return not self.terms

    @property
    def positive_text(self):
        return " ".join(term.text for term in self.terms)

    @property
    def token_text(self):
        """The positive words' tokens, space-separated: equal to a document's `title_tokens` when
        the query is exactly its title (every backend ranks that title first)."""
        return " ".join(self.title_tokens)

    @property
    def stem_text(self):
        """The same with English words stemmed: equal to a document's `title_stems` when the query is
        its title in other inflections ("parking lot" for "Parking Lots"), ranked right after."""
        return " ".join(stems(self.title_tokens))

    @property
    def has_alternatives(self):
        return any(term.alternatives for term in self.terms)


def _is_kept(char):
    return unicodedata.category(char)[0] in "LNM" or char in TERM_JOINERS


def clean_text(text):
    """Normalized text (search.normalizer) where every character we do not search becomes a space."""
    text = normalize(text)
    kept = [char if _is_kept(char) or char == '"' else " " for char in text]
    for index, char in enumerate(text):
        # A '-' right after punctuation, as in "(LAPOP)-Uruguay", joins words; only one after a space negates.
        if char == "-" and index and not text[index - 1].isspace() and kept[index - 1] == " ":
            kept[index] = " "
        # A ',' between digits is part of the number ("1,000"), as Elasticsearch's standard tokenizer reads it.
        if char == "," and 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit():
            kept[index] = ","
    return "".join(kept)


def _spans(normalized):
    """(start, end, token) of each token of normalized text: words, and single Han/kana characters.
    A piece never spans a non-word character, so the pieces of the whole text are those of its words."""
    for piece in _WORD_PIECE.finditer(normalized):
        yield piece.start(), piece.end(), piece.group()


def token_spans(text):
    """(start, end, token) of each index token of `text`, the offsets in `text` as it was written."""
    normalized, offsets = normalize_with_offsets(text)
    for start, end, token in _spans(normalized):
        yield offsets[start], offsets[end - 1] + 1, token


def tokenize(text):
    """The index tokens of a text, in order (what every backend indexes and queries)."""
    return _WORD_PIECE.findall(normalize(text))


def _term(raw, phrase):
    words = [word.strip(TERM_JOINERS) for word in raw.split()]
    text = " ".join(word for word in words if word)
    tokens = tuple(tokenize(text))
    if not tokens:
        return None
    # Han text has no spaces between words: its characters must be contiguous, or
    # 公交 would match 公共交通 (both backends index single characters).
    phrase = phrase or bool(_SINGLE_CHAR_TOKEN.search(text))
    return Term(text=text, tokens=tokens, phrase=phrase and len(tokens) > 1)


def make_term(text, phrase=False, kind="exact"):
    """A Term from any text (a synonym, a corrected word), or None when it holds no token."""
    term = _term(clean_text(text).replace('"', " "), phrase)
    return term and dataclasses.replace(term, kind=kind)


def parse_query(text):
    """Parse anything into a ParsedQuery; never raises on user input."""
    if not isinstance(text, str):
        text = ""
    cleaned = clean_text(text[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS]
    if cleaned.count('"') % 2:
        # An unbalanced quote is a typo, not syntax: drop the last one.
        index = cleaned.rfind('"')
        cleaned = cleaned[:index] + " " + cleaned[index + 1:]
    terms, excluded, title_tokens, seen = [], [], [], set()
    for match in _QUOTED_OR_WORD.finditer(cleaned):
        negated_phrase, phrase_text, word = match.groups()
        if word is not None:
            negated, raw, phrase = word.startswith("-"), word.lstrip("-").replace('"', " "), False
        else:
            negated, raw, phrase = bool(negated_phrase), phrase_text, True
        term = _term(raw, phrase)
        if term is None:
            continue
        if not negated:
            title_tokens += term.tokens
        if (negated, term) in seen:
            continue
        seen.add((negated, term))
        (excluded if negated else terms).append(term)
        if len(terms) + len(excluded) >= MAX_TERMS:
            break
    required = [term for term in terms if not _is_stop_word(term)]
    return ParsedQuery(terms=tuple(required or terms), excluded=tuple(excluded), title_tokens=tuple(title_tokens))


def _is_stop_word(term):
    return not term.phrase and len(term.tokens) == 1 and term.tokens[0] in STOP_WORDS
