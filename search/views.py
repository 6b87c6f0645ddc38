"""Search pages: the search page (every state in its URL) and the staff-only search insights and synonyms."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.service_forms import run_action, run_step
from datasets import facets
from datasets.grading import viewer_for
from organizations.refusals import not_platform_staff
from organizations.roles import is_platform_staff
from searchstats import services as stats

from . import expansion, searching, synonyms
from .backends import QueryError
from .backends.base import FACETS, MAX_RESULT_WINDOW, SORTS
from .forms import PreviewForm, SynonymGroupForm
from .models import SynonymGroup, SynonymListVersion

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
    "quality": _("元数据质量"),
}
INSIGHT_PERIODS = (7, 30, 90)
SHOWN_VERSIONS = 20


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


def _require_staff(user):
    if not is_platform_staff(user):
        raise not_platform_staff(gettext("只有平台管理员可以查看此页面。"))


@login_required
def insights(request):
    """Popular queries and queries that found nothing; platform staff only."""
    _require_staff(request.user)
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


@login_required
def synonym_list(request):
    """The synonym groups, a form adding one, the latest versions and a preview of a query's expansion."""
    _require_staff(request.user)
    form = SynonymGroupForm(request.POST or None)

    def step(data):
        synonyms.save_synonym_group(user=request.user, data=data)

    if request.method == "POST" and run_step(request, form, step, gettext("同义词组已添加。")):
        return redirect("search-synonyms")
    preview = PreviewForm(request.GET)
    query = preview.cleaned_data["q"] if preview.is_valid() else ""
    return render(request, "search/synonyms.html", {
        "form": form,
        "groups": [(group, synonyms.split_terms(group.terms)) for group in SynonymGroup.objects.all()],
        "versions": SynonymListVersion.objects.select_related("created_by")[:SHOWN_VERSIONS],
        "preview": preview,
        "expansion": expansion.describe(query) if query else None,
    }, status=400 if request.method == "POST" else 200)


@login_required
def synonym_edit(request, pk):
    _require_staff(request.user)
    group = get_object_or_404(SynonymGroup, pk=pk)
    form = SynonymGroupForm(request.POST or None,
                            initial={"terms": group.terms, "note": group.note, "active": group.active})

    def step(data):
        synonyms.save_synonym_group(user=request.user, group=group, data=data)

    if request.method == "POST" and run_step(request, form, step, gettext("同义词组已保存。")):
        return redirect("search-synonyms")
    return render(request, "search/synonym_form.html", {"form": form, "group": group},
                  status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def synonym_delete(request, pk):
    _require_staff(request.user)
    group = get_object_or_404(SynonymGroup, pk=pk)
    run_action(request, lambda: synonyms.delete_synonym_group(user=request.user, group=group),
               gettext("同义词组已删除。"))
    return redirect("search-synonyms")


@require_POST
@login_required
def synonym_toggle(request, pk):
    """Activate an inactive group, deactivate an active one."""
    _require_staff(request.user)
    group = get_object_or_404(SynonymGroup, pk=pk)
    success = gettext("同义词组已停用。") if group.active else gettext("同义词组已启用。")
    run_action(request, lambda: synonyms.save_synonym_group(user=request.user, group=group,
                                                           data={"active": not group.active}), success)
    return redirect("search-synonyms")
