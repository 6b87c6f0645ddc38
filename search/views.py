"""Search pages: the search page (every state in its URL) and the staff-only search insights."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from datasets import facets
from datasets.grading import viewer_for
from organizations.refusals import not_platform_staff
from organizations.roles import is_platform_staff
from searchstats import services as stats

from . import searching
from .backends import QueryError
from .backends.base import FACETS, MAX_RESULT_WINDOW, SORTS

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
    **facets.FACET_TITLES, **FILTER_TITLES,
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
    groups = facets.facet_groups(params, outcome.facets)
    context.update(
        outcome=outcome,
        facet_groups=groups,
        chips=facets.chips(params, groups, FILTER_TITLES),
        sort=outcome.query.sort,
        hidden_filters=facets.hidden_filters(params, (*FACETS, *FILTER_TITLES, "page_size")),
        widening=facets.widening(params, (*FACETS, *FILTER_TITLES)),
    )
    # Page 1 of nothing is the empty state; only a page past the last one says so.
    page = _page(outcome)
    context.update(page=page, past_last_page=page is None)
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
