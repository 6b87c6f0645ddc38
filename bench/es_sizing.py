"""Elasticsearch sizing: documents per GB of the portal's real index, for docs/deployment.md.

    python bench/es_sizing.py                      # the real catalogs, replicated to 20,000 datasets
    python bench/es_sizing.py --datasets 50000 --per-catalog 500

Needs DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL. Loads datasets as search_bench.py does (the
real catalogs through import_catalog, then rows shaped like them) into a database of its own, builds
the index with `rebuild_search_index`'s code (backend.rebuild()), and reads the primary store size
from _cat/indices twice: as built, and force-merged to one segment (an index at rest, after merges).
Also the database fallback's tables (search_*), which every installation keeps. Drops it all after.
"""
import argparse
import gc
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from search_bench import configure, drop_bench_indices, fresh_database, import_real, replicate

GB = 1024**3


def store(client, alias):
    row = client.cat.indices(index=alias, format="json", bytes="b", h="index,docs.count,pri.store.size").body[0]
    return int(row["docs.count"]), int(row["pri.store.size"])


def fallback_bytes():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                       "WHERE c.relkind = 'r' AND c.relname LIKE 'search\\_%%'")
        return int(cursor.fetchone()[0])


def measure(args):
    from search.backends import get_search_backend

    rng = random.Random(args.seed)
    import_real(args.per_catalog)
    total = replicate(args.datasets, rng)
    backend = get_search_backend()
    backend.reset()
    started = time.perf_counter()
    indexed = backend.rebuild()
    rebuild_s = time.perf_counter() - started
    client = backend.client
    client.indices.refresh(index=backend.alias)
    docs, built = store(client, backend.alias)
    client.options(request_timeout=600).indices.forcemerge(index=backend.alias, max_num_segments=1)
    client.indices.refresh(index=backend.alias)
    _docs, merged = store(client, backend.alias)
    fallback = fallback_bytes()
    return {
        "datasets": total, "indexed": indexed, "docs": docs, "rebuild_s": round(rebuild_s, 1),
        "store_bytes_built": built, "store_bytes_merged": merged,
        "bytes_per_doc_built": round(built / docs), "bytes_per_doc_merged": round(merged / docs),
        "docs_per_gb_built": round(docs * GB / built), "docs_per_gb_merged": round(docs * GB / merged),
        "fallback_bytes": fallback, "fallback_bytes_per_doc": round(fallback / docs),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=20_000)
    parser.add_argument("--per-catalog", type=int, default=0, help="import at most N entries of each catalog (all)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    configure("elasticsearch")
    with tempfile.TemporaryDirectory(prefix="es-sizing-") as tmp:
        drop = fresh_database(Path(tmp))
        try:
            result = measure(args)
            print(json.dumps(result, indent=2), flush=True)
        finally:
            drop_bench_indices()
            gc.collect()  # closes the connection the rebuild's bulk thread opened, which would block the drop
            drop()
    for label in ("built", "merged"):
        print(f"{label}: {result['docs']} documents in {result[f'store_bytes_{label}'] / 2**20:.1f} MiB = "
              f"{result[f'bytes_per_doc_{label}']} B/document = {result[f'docs_per_gb_{label}']:,} documents/GB",
              file=sys.stderr)


if __name__ == "__main__":
    main()
