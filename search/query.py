"""User query text -> a safe, structured query; and the one tokenizer the database backend indexes with.

Whatever a user types (unbalanced quotes, Lucene operators, control characters,
emoji, 10,000 characters) becomes a `ParsedQuery` of plain terms; no backend
ever receives raw text as query syntax. Supported syntax:

- ``word``: the term must occur (all its tokens, anywhere in the document);
- ``"a phrase"`` and any term containing Han characters (``公交``): its tokens
  must occur next to each other;
- ``-word`` / ``-"a phrase"``: documents containing it are left out.

Only letters, digits and marks survive (plus ``. ' _ -`` inside a term, and
``,`` between digits, so the Elasticsearch analyzer sees ``PM2.5`` and ``1,000``
as they were indexed); everything else is a separator. Han and kana characters are tokens of one character each, the way
Elasticsearch's standard tokenizer splits them, so both backends agree.
"""
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
TERM_JOINERS = ".'_-"

# Han (incl. extension A and compatibility ideographs) and Hiragana: one token per character.
_SINGLE_CHAR_TOKEN = re.compile(r"[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")
_WORD_PIECE = re.compile(_SINGLE_CHAR_TOKEN.pattern + r"|(?:(?!" + _SINGLE_CHAR_TOKEN.pattern + r")[^\W_])+")
_QUOTED_OR_WORD = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    """One thing to look for: `text` for analyzers, `tokens` for the database index."""

    text: str
    tokens: tuple
    phrase: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple = ()
    excluded: tuple = ()

    @property
    def is_empty(self):
        """No positive term: the query browses (filters only), exclusions still apply."""
        return not self.terms

    @property
    def positive_text(self):
        return " ".join(term.text for term in self.terms)

    @property
    def token_text(self):
        """The positive terms' tokens, space-separated: equal to a document's `title_tokens` when
        the query is exactly its title (both backends rank that title first)."""
        return " ".join(token for term in self.terms for token in term.tokens)


def _is_kept(char):
    return unicodedata.category(char)[0] in "LNM" or char in TERM_JOINERS


def clean_text(text):
    """NFKC-normalized, lower-cased text where every character we do not search becomes a space."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    kept = [char if _is_kept(char) or char == '"' else " " for char in text]
    for index, char in enumerate(text):
        # A '-' right after punctuation, as in "(LAPOP)-Uruguay", joins words; only one after a space negates.
        if char == "-" and index and not text[index - 1].isspace() and kept[index - 1] == " ":
            kept[index] = " "
        # A ',' between digits is part of the number ("1,000"), as Elasticsearch's standard tokenizer reads it.
        if char == "," and 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit():
            kept[index] = ","
    return "".join(kept)


def token_spans(text):
    """(start, end, token) of each index token of `text`: words, and single Han/kana characters."""
    for word in _WORD.finditer(text or ""):
        for piece in _WORD_PIECE.finditer(word.group()):
            token = unicodedata.normalize("NFKC", piece.group()).lower()
            yield word.start() + piece.start(), word.start() + piece.end(), token


def tokenize(text):
    """The index tokens of a text, in order (what the database backend stores and queries)."""
    return [token for _start, _end, token in token_spans(unicodedata.normalize("NFKC", text or ""))]


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


def parse_query(text):
    """Parse anything into a ParsedQuery; never raises on user input."""
    if not isinstance(text, str):
        text = ""
    cleaned = clean_text(text[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS]
    if cleaned.count('"') % 2:
        # An unbalanced quote is a typo, not syntax: drop the last one.
        index = cleaned.rfind('"')
        cleaned = cleaned[:index] + " " + cleaned[index + 1:]
    terms, excluded, seen = [], [], set()
    for match in _QUOTED_OR_WORD.finditer(cleaned):
        negated_phrase, phrase_text, word = match.groups()
        if word is not None:
            negated, raw, phrase = word.startswith("-"), word.lstrip("-").replace('"', " "), False
        else:
            negated, raw, phrase = bool(negated_phrase), phrase_text, True
        term = _term(raw, phrase)
        if term is None or (negated, term) in seen:
            continue
        seen.add((negated, term))
        (excluded if negated else terms).append(term)
        if len(terms) + len(excluded) >= MAX_TERMS:
            break
    return ParsedQuery(terms=tuple(terms), excluded=tuple(excluded))
