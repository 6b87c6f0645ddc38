"""The filter sidebar both dataset lists share: the catalog list (/datasets/) and the search page.

Each page counts its facets its own way (the catalog in the database, search in its
backend), already limited to what the viewer may see, as
{facet: [{"value", "label", "count", "selected"}]} most frequent first; this module
turns them into what templates/portal/includes/facets.html shows: each facet's first
FACET_VALUES_SHOWN values and the rest behind "show more", links that add or remove a
value, removable chips for what is chosen, and the hidden inputs that keep the filters
when the text or the sort changes.
"""
from django.utils.translation import gettext_lazy as _

from core.localization import label_language

FACET_TITLES = {
    "organization": _("提供单位"),
    "theme": _("主题"),
    "keyword": _("关键词"),
    "format": _("格式"),
    "open_grade": _("开放等级"),
    "licence": _("许可协议"),
    "update_frequency": _("更新频率"),
    "quality": _("元数据质量"),
}
FACET_VALUES_SHOWN = 8

# The `quality` facet: ranges of Dataset.metadata_score (quality.metadata_score), best first. A filter
# value is any "low-high" range within 0-100 ("60-100": the datasets not needing attention).
QUALITY_RANGES = (("80-100", 80, 100), ("60-79", 60, 79), ("40-59", 40, 59), ("0-39", 0, 39))


def quality_range(value):
    """(low, high) of a "low-high" score range within 0-100, or None when the value is not one."""
    low, separator, high = str(value).strip().partition("-")
    if not (separator and low.isdigit() and high.isdigit() and len(low) <= 3 and len(high) <= 3):
        return None
    low, high = int(low), int(high)
    return (low, high) if 0 <= low <= high <= 100 else None


def quality_label(value):
    return _("%(range)s 分") % {"range": value}


def url_with(params, name, values):
    """This list's URL with `name` set to `values` (none: removed), back on the first page."""
    changed = params.copy()
    changed.setlist(name, values)
    changed.pop("page", None)
    query = changed.urlencode()
    return f"?{query}" if query else "?"


def facet_groups(params, options):
    """[{name, title, shown, more}] for each facet with values; a chosen value is always shown."""
    groups = []
    for facet, rows in options.items():
        chosen = [row["value"] for row in rows if row["selected"]]
        linked = [
            {**row, "lang": label_language(row["label"]), "url": url_with(params, facet, [value for value in chosen if value != row["value"]]
                                    if row["selected"] else [*chosen, row["value"]])}
            for row in rows
        ]
        if not linked:
            continue
        shown = linked[:FACET_VALUES_SHOWN] + [row for row in linked[FACET_VALUES_SHOWN:] if row["selected"]]
        more = [row for row in linked[FACET_VALUES_SHOWN:] if not row["selected"]]
        groups.append({"name": facet, "title": FACET_TITLES[facet], "shown": shown, "more": more})
    return groups


def chips(params, groups, filter_titles):
    """What is chosen, each with the link that removes it: facet values, then the other filters."""
    found = [
        {"title": group["title"], "label": row["label"], "lang": row["lang"], "url": row["url"]}
        for group in groups for row in group["shown"] if row["selected"]
    ]
    found += [
        {"title": title, "label": params[name], "lang": label_language(params[name]),
         "url": url_with(params, name, [])}
        for name, title in filter_titles.items() if params.get(name)
    ]
    return found


def hidden_filters(params, names):
    """(name, value) of the chosen filters, for the forms that change the text or the sort."""
    return [(name, value) for name in names for value in params.getlist(name) if value]


def widening(params, filter_names):
    """Links that widen a list: `without_filters` keeps only the text and sort, `without_text` only
    drops the text (empty when there is none)."""
    narrowed = params.copy()
    for name in (*filter_names, "page"):
        narrowed.pop(name, None)
    query = narrowed.urlencode()
    return {
        "without_filters": f"?{query}" if query else "?",
        "without_text": url_with(params, "q", []) if params.get("q") else "",
    }
