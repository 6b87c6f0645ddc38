"""The relevance sets of the search bench (search_bench.py), sampled from the real records of a phase.

Each set pairs a dataset with a query made from its title; a figure is the share of the set whose
dataset the backend ranks within the goal's places. Titles are sampled, with a fixed seed, among the
real records that are listed (published, open or conditional) and whose title names only one listed
dataset once folded: the real catalogs hold titles shared by several ("Parking Lots"), which no engine
can rank first for each of them.

- English exact title first: titles without Han characters.
- Traditional exact title first: titles of the data.gov.tw catalog that OpenCC's t2s changes (they
  hold Traditional-only characters); and the same titles converted to Simplified, first too.
- One typo: the longest ASCII word of 5+ letters of an English title with one inner letter
  replaced, in the top 3.
- English singular/plural: one word of 4+ letters of an English title swapped for its other number
  (a final "s" added or removed; not "ss", "us", "is"), in the top 3. The other form must occur as a
  word in the listed titles, so that "annual" does not become "annuals".
- Chinese fragment: 2 to 4 contiguous Han characters of a Chinese title, from a random position, in
  the top 10 ("strict"). A fragment that more than 10 titles contain cannot put one of them first, so
  the "fair" figure also counts it when all of the top 10 contain the fragment.
"""
import random
import re
import sys
import unicodedata
from collections import Counter

import opencc

T2S = opencc.OpenCC("t2s")
TRADITIONAL_CATALOG = "tw-data-gov-tw"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HAN_RUN = re.compile(HAN.pattern + "{2,}")
ASCII_WORD = re.compile(r"[A-Za-z]+")
# name: (what is measured, places, goal)
FIGURES = {
    "english_exact_first": ("exact English title first", 1, 0.99),
    "traditional_exact_first": ("exact Traditional Chinese title first", 1, 0.99),
    "simplified_exact_first": ("the same titles queried in Simplified, first", 1, 0.99),
    "typo_top3": ("one typo in an English title, in the top 3", 3, 0.95),
    "plural_top3": ("an English word's singular/plural swapped, in the top 3", 3, 0.95),
    "fragment_top10": ("2-4 Han characters of a Chinese title, in the top 10", 10, 0.95),
}


def fold(text):
    """Text as the search pipeline compares it: NFKC, case-folded, Traditional characters as Simplified."""
    return T2S.convert(unicodedata.normalize("NFKC", text).casefold())


def typo(title, rng):
    """The title with one letter of its longest ASCII word replaced, or None when it has no such word."""
    words = [word for word in title.split() if word.isascii() and word.isalpha() and len(word) >= 5]
    if not words:
        return None
    word = max(words, key=len)
    position = rng.randrange(1, len(word) - 1)
    replacement = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[position].lower()])
    return title.replace(word, word[:position] + replacement + word[position + 1:], 1)


def number_swap(title, vocabulary, rng):
    """The title with one English word of 4+ letters in its other number, or None when it has none."""
    options = []
    for match in ASCII_WORD.finditer(title):
        word = match.group()
        lower = word.lower()
        if len(word) < 4 or lower.endswith(("ss", "us", "is")) or lower[-1] in "ui":
            continue
        other = word[:-1] if lower.endswith("s") else word + ("S" if word.isupper() else "s")
        if other.lower() in vocabulary:
            options.append((match.start(), match.end(), other))
    if not options:
        return None
    start, end, other = rng.choice(options)
    return title[:start] + other + title[end:]


def fragment(title, rng):
    """2 to 4 contiguous Han characters of the title, from a random position."""
    run = rng.choice(HAN_RUN.findall(title))
    length = rng.randint(2, min(4, len(run)))
    start = rng.randrange(len(run) - length + 1)
    return run[start:start + length]


def relevance(catalogs, sample, sample_zh, seed):
    """Every figure on the records imported from `catalogs` ({catalog name: dataset ids})."""
    from datasets.models import Dataset
    from search.backends import SearchQuery, get_search_backend

    backend = get_search_backend()
    rng = random.Random(seed)
    listed = dict(Dataset.objects.filter(state="published", open_grade__in=["open", "conditional"])
                  .values_list("pk", "title"))
    folded = {pk: fold(title) for pk, title in listed.items()}
    shared = Counter(folded.values())
    real = sorted(pk for ids in catalogs.values() for pk in ids if pk in listed and shared[folded[pk]] == 1)
    traditional_ids = set(catalogs.get(TRADITIONAL_CATALOG, ()))

    def pick(condition, k):
        chosen = [(pk, listed[pk]) for pk in real if condition(pk, listed[pk])]
        return rng.sample(chosen, k=min(k, len(chosen)))

    def ranked(text, places):
        return [hit.dataset_id for hit in backend.search(SearchQuery(text=text, page_size=places)).hits]

    def share(name, pairs):
        pairs = [(pk, query) for pk, query in pairs if query]
        missed = [query for pk, query in pairs if pk not in ranked(query, FIGURES[name][1])]
        print(f"  {name} misses (first 5 of {len(missed)}): {missed[:5]}", file=sys.stderr)
        return {"share": round(1 - len(missed) / max(1, len(pairs)), 3), "sampled": len(pairs),
                "goal": FIGURES[name][2]}

    english = pick(lambda pk, title: not HAN.search(title), sample)
    traditional = pick(lambda pk, title: pk in traditional_ids and T2S.convert(title) != title, sample_zh)
    vocabulary = {word.lower() for title in listed.values() for word in ASCII_WORD.findall(title)}
    result = {
        "titles_shared_by_several": sum(n > 1 for n in shared.values()),
        "english_exact_first": share("english_exact_first", english),
        "traditional_exact_first": share("traditional_exact_first", traditional),
        "simplified_exact_first": share("simplified_exact_first",
                                        [(pk, T2S.convert(title)) for pk, title in traditional]),
        "typo_top3": share("typo_top3", [(pk, typo(title, rng)) for pk, title in english]),
        "plural_top3": share("plural_top3", [(pk, number_swap(title, vocabulary, rng)) for pk, title in english]),
    }
    fragments = [(pk, fragment(title, rng)) for pk, title in pick(lambda pk, title: HAN_RUN.search(title), sample_zh)]
    strict = fair = common = 0
    missed = []
    for pk, text in fragments:
        hits = ranked(text, 10)
        needle = fold(text)
        if pk in hits:
            strict += 1
            fair += 1
            continue
        missed.append(f"{text} ({listed[pk]})")
        if sum(needle in title for title in folded.values()) > 10:
            common += 1
            fair += all(needle in folded.get(hit, "") for hit in hits) and len(hits) == 10
    print(f"  fragment_top10 misses (first 5 of {len(missed)}, {common} in more than 10 titles): {missed[:5]}",
          file=sys.stderr)
    n = max(1, len(fragments))
    result["fragment_top10"] = {"strict": round(strict / n, 3), "fair": round(fair / n, 3),
                                "sampled": len(fragments), "missed_but_shared_by_over_10": common,
                                "goal": FIGURES["fragment_top10"][2]}
    return result


def report_lines(result):
    """One line per figure, with its sample size and goal."""
    shared = result["titles_shared_by_several"]
    lines = [f"relevance ({shared} titles shared by several listed datasets, not sampled):"]
    for name, (label, _places, goal) in FIGURES.items():
        figure = result[name]
        value = (f"strict {figure['strict']:.1%}, fair {figure['fair']:.1%}" if "fair" in figure
                 else f"{figure['share']:.1%}")
        lines.append(f"  {label}: {value} of {figure['sampled']} (goal >= {goal:.0%})")
    return lines
