"""Search pages: the search page (every state in its URL) and the staff-only search insights."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from datasets.grading import viewer_for
from organizations.refusals import not_platform_staff
from organizations.roles import is_platform_staff
from searchstats import services as stats

from . import searching
from .backends import QueryError
from .backends.base import FACET_FILTERS, FACETS, MAX_RESULT_WINDOW, SORTS

FACET_TITLES = {
    "organization": _("提供单位"),
    "theme": _("主题"),
    "keyword": _("关键词"),
    "format": _("格式"),
    "open_grade": _("开放等级"),
    "licence": _("许可协议"),
    "update_frequency": _("更新频率"),
}
# Filters that are not facets, shown as removable chips too.
FILTER_TITLES = {
    "region": _("空间范围"),
    "modified_from": _("修改日期起"),
    "modified_to": _("修改日期止"),
    "published_from": _("发布日期起"),
    "published_to": _("发布日期止"),
    "temporal_start": _("时间范围起"),
    "temporal_end": _("时间范围止"),
    "bbox": _("边界框"),
}
PARAMETER_TITLES = {
    **FACET_TITLES, **FILTER_TITLES,
    "q": _("搜索词"), "sort": _("排序"), "page": _("页码"), "page_size": _("每页条数"),
}
SORT_LABELS = {
    "relevance": _("相关度"),
    "newest": _("最新发布"),
    "modified": _("最近更新"),
    "title": _("标题"),
    "downloads": _("下载最多"),
}
INSIGHT_PERIODS = (7, 30, 90)


def _url(params, name, values):
    """This search's URL with `name` set to `values` (none: removed), back on the first page."""
    changed = params.copy()
    changed.setlist(name, values)
    changed.pop("page", None)
    query = changed.urlencode()
    return f"?{query}" if query else "?"


def _facet_groups(params, outcome):
    groups = []
    for facet in FACETS:
        chosen = list(getattr(outcome.query, FACET_FILTERS[facet]))
        options = [
            {**option, "url": _url(params, facet, [value for value in chosen if value != option["value"]]
                                   if option["selected"] else [*chosen, option["value"]])}
            for option in outcome.facets[facet]
        ]
        if options:
            groups.append({"name": facet, "title": FACET_TITLES[facet], "options": options})
    return groups


def _chips(params, groups):
    chips = [
        {"title": group["title"], "label": option["label"], "url": option["url"]}
        for group in groups for option in group["options"] if option["selected"]
    ]
    chips += [
        {"title": title, "label": params[name], "url": _url(params, name, [])}
        for name, title in FILTER_TITLES.items() if params.get(name)
    ]
    return chips


def _page(outcome):
    """A Paginator page over the reachable results, or None past the last page."""
    reachable = min(outcome.total, MAX_RESULT_WINDOW // outcome.page_size * outcome.page_size)
    try:
        return Paginator(range(reachable), outcome.page_size).page(outcome.page)
    except EmptyPage:
        return None


def search_page(request):
    params = request.GET
    context = {"q": params.get("q", ""), "sorts": [(value, SORT_LABELS[value]) for value in SORTS]}
    try:
        outcome = searching.search(params, viewer_for(request))
    except QueryError as error:
        context["error"] = {"title": PARAMETER_TITLES.get(error.field, error.field), "message": error.message}
        return render(request, "search/search.html", context, status=400)
    groups = _facet_groups(params, outcome)
    context.update(
        outcome=outcome,
        facet_groups=groups,
        chips=_chips(params, groups),
        page=_page(outcome),
        sort=outcome.query.sort,
        hidden_filters=[(name, value) for name in (*FACETS, *FILTER_TITLES, "page_size")
                        for value in params.getlist(name) if value],
    )
    return render(request, "search/search.html", context)


@login_required
def insights(request):
    """Popular queries and queries that found nothing; platform staff only."""
    if not is_platform_staff(request.user):
        raise not_platform_staff(_("只有平台管理员可以查看此页面。"))
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in INSIGHT_PERIODS else 30
    return render(request, "search/insights.html", {
        "days": days,
        "periods": INSIGHT_PERIODS,
        "popular": stats.popular_queries(days),
        "zero_results": stats.zero_result_queries(days),
    })
