"""Would word segmentation (jieba) help Chinese search? A measurement on the real Chinese records.

    pip install -e '.[bench]'        # jieba is a benchmark dependency, not the portal's
    python bench/segmentation_bench.py [--sample 300] [--seed 14]

Every backend matches a Chinese query word as contiguous characters (search.query: Han terms are
phrases), so a record holding the word's characters apart never matches it. Segmentation could only
re-rank records that hold the characters contiguously across a word boundary (查询 "京杭" in
"北京杭州"). This counts how often that happens for real query words, and what segmenting every
indexed text would cost against the tokenizer the portal already runs:

1. the Chinese titles, descriptions and keywords of ../shared/data/catalogs/tw-data-gov-tw (normalized as
   indexed: search.normalizer), segmented with jieba and a user dictionary of the catalog's agency names
   and keywords (what the portal would build from organization names, themes and a staff term list);
2. `--sample` query words drawn from the records' keywords (words people tag with, so real queries);
3. for each, the records containing it as characters, and those where jieba also segments it as a
   word: a record of the first kind only is one segmentation would rank lower;
4. the time to segment every text, against the time search.query.tokenize takes for the same texts.
"""
import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CATALOG = REPO.parent / "shared" / "data" / "catalogs" / "tw-data-gov-tw.json.gz"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)

    import jieba

    from search.normalizer import normalize
    from search.query import tokenize

    with gzip.open(CATALOG) as catalog:
        records = json.loads(catalog.read())
    texts = [normalize(" ".join([record.get("TITLE") or "", record.get("DESC") or "", *(record.get("KEYWORDS") or [])]))
             for record in records]
    keywords = sorted({normalize(word) for record in records for word in record.get("KEYWORDS") or []
                       if 2 <= len(word) <= 6 and all("\u4e00" <= char <= "\u9fff" for char in word)})
    agencies = sorted({normalize(record.get("AGENCY") or "") for record in records} - {""})
    for word in (*agencies, *keywords):
        jieba.add_word(word)
    jieba.initialize()

    started = time.perf_counter()
    # Search mode: a long word and the dictionary words inside it ("监测站" and "监测"), as an index would hold.
    segmented = [set(jieba.cut_for_search(text)) for text in texts]
    segment_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for text in texts:
        tokenize(text)
    tokenize_seconds = time.perf_counter() - started

    queries = random.Random(args.seed).sample(keywords, min(args.sample, len(keywords)))
    matched = as_words = affected = 0
    examples = []
    for query in queries:
        containing = [index for index, text in enumerate(texts) if query in text]
        words = [index for index in containing if query in segmented[index]]
        matched += len(containing)
        as_words += len(words)
        affected += len(words) < len(containing)
        for index in sorted(set(containing) - set(words))[:1]:
            at = texts[index].index(query)
            examples.append(f"{query}: …{texts[index][max(0, at - 6):at + len(query) + 6]}…")
    apart = matched - as_words
    print(f"records: {len(texts)}   query words: {len(queries)} (from the records' keywords)   "
          f"user dictionary: {len(agencies) + len(keywords)} words")
    print(f"matches (word as contiguous characters): {matched}")
    print(f"  of which jieba also segments it as a word: {as_words} ({as_words / max(matched, 1):.1%})")
    print(f"  across a word boundary (what segmentation would rank lower): {apart} ({apart / max(matched, 1):.1%})")
    print(f"queries with at least one such match: {affected} of {len(queries)} ({affected / max(len(queries), 1):.1%})")
    print("examples of matches across a boundary:", "; ".join(random.Random(args.seed).sample(
        examples, min(8, len(examples)))))
    print(f"segmenting every text: {segment_seconds:.2f} s, the portal's tokenizer: {tokenize_seconds:.2f} s, "
          f"ratio {segment_seconds / max(tokenize_seconds, 1e-9):.1f}")


if __name__ == "__main__":
    main()
