"""A parsed query's terms widened with alternatives, the same for every backend.

Each term keeps what was typed and gains alternatives (search.query.Term.alternatives), which
every backend ORs with it, ranking the term as typed higher:

1. stems: the indexed words sharing a word's Snowball stem (search.lexicon), "province" ->
   "provinces", so no backend needs a stemming analyzer;
2. synonyms: the staff-edited groups (search.synonyms), matched on one term or on several
   consecutive terms ("public transport" -> 公共交通);
3. typo corrections, only for words no indexed text holds and only when a search finds fewer
   than FEW_RESULTS (search.backends.base runs it again with them): words of titles and
   keywords a few edits away, and the query with those words corrected as "did you mean".

`SEARCH_QUERY_EXPANSION = False` turns all three off (the benchmark compares both).
"""
import dataclasses
import itertools
import re

from django.conf import settings

from . import lexicon
from .query import Term, make_term, parse_query
from .stemming import is_word
from .synonyms import synonyms_of

MAX_ALTERNATIVES = 16
MAX_SYNONYM_RUN = 4
FEW_RESULTS = 3


def enabled():
    return settings.SEARCH_QUERY_EXPANSION


def _replaced(term, choices, kind):
    """Alternatives of `term` with its tokens replaced by their choices ({index: [tokens]})."""
    if not choices:
        return []
    options = [[token, *choices.get(index, [])] for index, token in enumerate(term.tokens)]
    combinations = itertools.islice(itertools.product(*options), 1, MAX_ALTERNATIVES + 1)
    return [Term(text=" ".join(tokens), tokens=tokens, phrase=term.phrase, kind=kind) for tokens in combinations]


def _with(term, alternatives):
    known = {variant.tokens for variant in term.variants}
    fresh = []
    for alternative in alternatives:
        if alternative.tokens not in known:
            known.add(alternative.tokens)
            fresh.append(alternative)
    return dataclasses.replace(term, alternatives=(*term.alternatives, *fresh)[:MAX_ALTERNATIVES])


def _synonyms(text):
    return [term for term in (make_term(other, kind="synonym") for other in synonyms_of(text)) if term]


def _with_synonyms(terms, longest_run=MAX_SYNONYM_RUN):
    """Runs of consecutive terms equal to a synonym become one term (its words, anywhere) with the
    group's other members as alternatives; the longest run wins."""
    result, index = [], 0
    while index < len(terms):
        for end in range(min(len(terms), index + longest_run), index, -1):
            run = terms[index:end]
            text = " ".join(term.text for term in run)
            alternatives = _synonyms(text)
            if alternatives:
                base = run[0] if len(run) == 1 else Term(
                    text=text, tokens=tuple(token for term in run for token in term.tokens))
                result.append(_with(base, alternatives))
                index = end
                break
        else:
            result.append(terms[index])
            index += 1
    return tuple(result)


def expand(parsed):
    """The parsed query with stems and synonyms as alternatives (a no-op when expansion is off)."""
    if not enabled() or not (parsed.terms or parsed.excluded):
        return parsed
    siblings, known = lexicon.look_up({token for term in (*parsed.terms, *parsed.excluded) for token in term.tokens})
    unknown = tuple(dict.fromkeys(token for term in parsed.terms for token in term.tokens
                                  if is_word(token) and token not in known))

    def widened(terms, longest_run):
        terms = tuple(_with(term, _replaced(term, {i: siblings[token] for i, token in enumerate(term.tokens)
                                                   if token in siblings}, "stem")) for term in terms)
        return _with_synonyms(terms, longest_run)

    # Exclusions are each their own: "-a -b" never reads as the phrase "a b".
    return dataclasses.replace(parsed, terms=widened(parsed.terms, MAX_SYNONYM_RUN), excluded=widened(parsed.excluded, 1),
                               unknown_words=unknown)


@dataclasses.dataclass(frozen=True)
class Corrections:
    """A query's typo alternatives: the widened parsed query, and the text with unknown words corrected."""

    parsed: object
    did_you_mean: str


def corrections(parsed, text):
    """Typo alternatives for the unknown words of `parsed` (from query `text`), or None when none has any."""
    found = {word: lexicon.corrections(word) for word in parsed.unknown_words}
    found = {word: options for word, options in found.items() if options}
    if not found:
        return None
    terms = tuple(_with(term, _replaced(term, {i: found[token] for i, token in enumerate(term.tokens)
                                               if token in found}, "typo")) for term in parsed.terms)
    suggestion = text
    for word, options in found.items():
        suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", options[0], suggestion, flags=re.IGNORECASE)
    return Corrections(dataclasses.replace(parsed, terms=terms), suggestion)


def describe(text):
    """What a query expands to, for the staff preview: each term and its alternatives by kind
    (typo corrections are used only when the query finds few results)."""
    parsed = expand(parse_query(text))
    typos = corrections(parsed, text)
    typo_terms = typos.parsed.terms if typos else parsed.terms
    return [
        {"term": term.text,
         "alternatives": [{"text": alternative.text, "kind": alternative.kind}
                          for alternative in typo_term.alternatives]}
        for term, typo_term in zip(parsed.terms, typo_terms)
    ]
