"""Harvest pages: sources, their runs and the per-record reports, for staff and department admins.

Thin views: objects come from harvest.selectors (outside them: 404), every change from harvest.services,
whose refusals show on the form or as a message.
"""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.service_forms import run_action, run_step
from organizations.refusals import not_platform_staff

from . import selectors
from .forms import RecordFilterForm, SourceForm, source_initial
from .models import RecordOutcome
from .permissions import may_manage_any_harvest
from .services import jobs as job_services
from .services import sources

PAGE_SIZE = 50
# The fields of the mapping report (parsing.records' field outcomes), by their names on the page.
MAPPED_FIELDS = {"licence": _lazy("许可协议"), "issued": _lazy("来源发布时间"), "modified": _lazy("来源修改时间"),
                 "formats": _lazy("格式"), "contact": _lazy("联系人")}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _ensure_may_harvest(user):
    if not may_manage_any_harvest(user):
        raise not_platform_staff(_("只有平台管理员或政府部门的组织管理员可以管理数据采集。"))


@login_required
def source_list(request):
    _ensure_may_harvest(request.user)
    return render(request, "harvest/source_list.html", {
        "sources": selectors.sources_for(request.user),
        "flagged": selectors.flagged_sources(request.user),
    })


def _source_form(request, instance=None):
    _ensure_may_harvest(request.user)
    initial = source_initial(instance) if instance else {}
    form = SourceForm(request.POST or None, user=request.user, initial=initial)
    saved = {}

    def step(data):
        saved["source"] = sources.save_source(user=request.user, data=form.service_data(), instance=instance)

    if request.method == "POST" and run_step(request, form, step, _("采集来源已保存。")):
        return redirect("harvest-source-detail", saved["source"].pk)
    title = _("编辑采集来源") if instance else _("新建采集来源")
    return render(request, "harvest/source_form.html", {"form": form, "title": title, "source": instance},
                  status=400 if request.method == "POST" else 200)


@login_required
def source_new(request):
    return _source_form(request)


@login_required
def source_edit(request, pk):
    return _source_form(request, get_object_or_404(selectors.sources_for(request.user), pk=pk))


@login_required
def source_detail(request, pk):
    source = get_object_or_404(selectors.sources_for(request.user), pk=pk)
    return render(request, "harvest/source_detail.html", {
        "source": source, "page": _page(request, selectors.jobs_of(source))})


@login_required
@require_POST
def source_run(request, pk):
    source = get_object_or_404(selectors.sources_for(request.user), pk=pk)
    dry_run = request.POST.get("dry_run") == "1"
    job = run_action(request, lambda: job_services.request_run(user=request.user, source=source, dry_run=dry_run),
                     _("试运行已排队。") if dry_run else _("采集任务已排队。"))
    return redirect("harvest-job-detail", job.pk) if job else redirect("harvest-source-detail", source.pk)


@login_required
def job_detail(request, pk):
    job = get_object_or_404(selectors.jobs_for(request.user), pk=pk)
    filters = RecordFilterForm(request.GET)
    outcome = filters.cleaned_data["outcome"] if filters.is_valid() else ""
    return render(request, "harvest/job_detail.html", {
        "job": job, "source": job.source, "filters": filters, "outcome": outcome,
        "page": _page(request, selectors.records_of(job, outcome)),
        "mapping": [(MAPPED_FIELDS.get(name, name), counts) for name, counts in sorted((job.mapping or {}).items())],
        "preview": [{**item, "outcome": RecordOutcome(item["outcome"]).label if item["outcome"] in RecordOutcome.values
                     else item["outcome"]} for item in job.preview or []],
    })


@login_required
@require_POST
def job_abort(request, pk):
    job = get_object_or_404(selectors.jobs_for(request.user), pk=pk)
    run_action(request, lambda: job_services.abort_job(user=request.user, job=job), _("已请求中止。"))
    return redirect("harvest-job-detail", job.pk)
