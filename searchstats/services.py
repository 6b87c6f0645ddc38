"""Recording and reading search statistics (see models.QueryStat for what is kept)."""
import datetime
import unicodedata

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from .models import MAX_QUERY_LENGTH, QueryStat


def normalize(text):
    """NFKC, case-folded, whitespace collapsed, at most MAX_QUERY_LENGTH characters; '' for nothing."""
    text = unicodedata.normalize("NFKC", text if isinstance(text, str) else "")
    printable = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)
    return " ".join(printable.casefold().split())[:MAX_QUERY_LENGTH]


def record_query(text, total):
    """Count one search for `text` that found `total` datasets: a single upsert, nothing personal."""
    normalized = normalize(text)
    if not normalized:
        return
    table = connection.ops.quote_name(QueryStat._meta.db_table)
    empty = 1 if total == 0 else 0
    # INSERT ... ON CONFLICT DO UPDATE: the same statement on PostgreSQL and SQLite (>= 3.24).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, text, count, zero_result_count) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (day, text) DO UPDATE SET count = {table}.count + 1, "
            f"zero_result_count = {table}.zero_result_count + EXCLUDED.zero_result_count",
            [timezone.localdate(), normalized, empty],
        )


def _since(days):
    return QueryStat.objects.filter(day__gte=timezone.localdate() - datetime.timedelta(days=days - 1))


def popular_queries(days=30, limit=50):
    """[{text, searches, zero_results}] most searched first, over the last `days` days."""
    return list(
        _since(days).values("text")
        .annotate(searches=Sum("count"), zero_results=Sum("zero_result_count"))
        .order_by("-searches", "text")[:limit]
    )


def zero_result_queries(days=30, limit=50):
    """Queries that found nothing at least once, most frequent failures first."""
    return list(
        _since(days).filter(zero_result_count__gt=0).values("text")
        .annotate(searches=Sum("count"), zero_results=Sum("zero_result_count"))
        .order_by("-zero_results", "text")[:limit]
    )
