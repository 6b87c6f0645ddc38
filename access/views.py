"""Access pages: enterprises apply, report and renew; reviewers decide and revoke; staff read the audit log.

Thin views: objects come from access.selectors (outside them: 404), every step
from access.services, whose refusals are shown on the form or as a message.
"""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import exports as audit_exports
from audit.models import AuditEntry
from audit.selectors import audit_entries
from core.service_forms import run_action, run_step
from datasets import selectors as catalog
from datasets.grading import viewer_for
from enterprises.services import enterprises_of, not_a_verified_member
from organizations import roles
from organizations.refusals import not_a_reviewer, not_platform_staff
from organizations.roles import is_platform_staff

from . import selectors, services
from .forms import ApplyForm, ApproveForm, AuditFilterForm, ReasonForm, RenewForm, UsageReportForm
from .models import AccessApplication

PAGE_SIZE = 50


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_platform_staff(request.user):
            raise not_platform_staff(_("只有平台管理员可以查看此页面。"))
        return view(request, *args, **kwargs)
    return wrapped


# --- enterprise side ------------------------------------------------------------

@login_required
def mine(request):
    enterprise_ids = list(enterprises_of(request.user).values_list("pk", flat=True))
    return render(request, "access/mine.html", {
        "applications": selectors.applications_for(request.user).filter(enterprise_id__in=enterprise_ids),
        "grants": selectors.grants_for(request.user).filter(enterprise_id__in=enterprise_ids)
                  .prefetch_related("usage_reports"),
        "reviews": bool(roles.reviewed_organization_ids(request.user)),
    })


@login_required
def apply(request, identifier):
    dataset = catalog.dataset_for(viewer_for(request), identifier)
    enterprises = services.applicable_enterprises(request.user)
    if not enterprises.exists():
        raise not_a_verified_member(request.user, _("只有通过认证的企业成员可以申请使用有条件开放数据。"))
    form = ApplyForm(request.POST or None, enterprises=enterprises, dataset=dataset)
    created = {}

    def step(data):
        created["application"] = services.apply(
            user=request.user, enterprise=data.pop("enterprise"), dataset=dataset, data=data
        )

    if request.method == "POST" and run_step(request, form, step, _("申请已提交，请等待数据提供部门审核。")):
        return redirect("access-application-detail", created["application"].pk)
    return render(request, "access/apply.html", {"form": form, "dataset": dataset})


def _application(request, pk):
    return get_object_or_404(selectors.applications_for(request.user), pk=pk)


@login_required
def application_detail(request, pk):
    application = _application(request, pk)
    open_ = application.status == AccessApplication.Status.SUBMITTED
    return render(request, "access/application_detail.html", {
        "application": application,
        "can_withdraw": open_ and enterprises_of(request.user).filter(pk=application.enterprise_id).exists(),
        "can_decide": open_ and roles.is_reviewer(request.user, application.dataset.organization),
        "approve_form": ApproveForm(initial={"expires_on": application.period_end}),
        "reject_form": ReasonForm(),
    })


@login_required
@require_POST
def application_withdraw(request, pk):
    application = _application(request, pk)
    run_action(request, lambda: services.withdraw(user=request.user, application=application), _("申请已撤回。"))
    return redirect("access-application-detail", application.pk)


def _decision(request, pk, form_class, step, success):
    application = _application(request, pk)
    form = form_class(request.POST)
    if run_step(request, form, lambda data: step(application, data), success):
        return redirect("access-application-detail", application.pk)
    forms = {"approve_form": ApproveForm(), "reject_form": ReasonForm()}
    forms["approve_form" if form_class is ApproveForm else "reject_form"] = form
    return render(request, "access/application_detail.html", {
        "application": application, "can_decide": True, **forms,
    }, status=400)


@login_required
@require_POST
def application_approve(request, pk):
    return _decision(request, pk, ApproveForm, lambda application, data: services.approve(
        user=request.user, application=application, terms=data["terms"], expires_on=data["expires_on"],
    ), _("已批准，授权已生效。"))


@login_required
@require_POST
def application_reject(request, pk):
    return _decision(request, pk, ReasonForm, lambda application, data: services.reject(
        user=request.user, application=application, reason=data["reason"],
    ), _("已驳回该申请。"))


def _grant(request, pk):
    return get_object_or_404(selectors.grants_for(request.user), pk=pk)


@login_required
def grant_report(request, pk):
    grant = _grant(request, pk)
    form = UsageReportForm(request.POST or None)

    def step(data):
        services.file_usage_report(user=request.user, grant=grant, data=data)

    if request.method == "POST" and run_step(request, form, step, _("使用成果已提交。")):
        return redirect("access-mine")
    return render(request, "access/grant_form.html", {
        "form": form, "grant": grant, "title": _("提交使用成果报告"), "submit": _("提交"),
    })


@login_required
def grant_renew(request, pk):
    grant = _grant(request, pk)
    form = RenewForm(request.POST or None)
    created = {}

    def step(data):
        created["application"] = services.renew(user=request.user, grant=grant, data=data)

    if request.method == "POST" and run_step(request, form, step, _("续期申请已提交，请等待审核。")):
        return redirect("access-application-detail", created["application"].pk)
    return render(request, "access/grant_form.html", {
        "form": form, "grant": grant, "title": _("申请续期"), "submit": _("提交续期申请"),
    })


# --- reviewer side --------------------------------------------------------------

@login_required
def review(request):
    if not roles.reviewed_organization_ids(request.user):
        raise not_a_reviewer(_("您不是任何数据提供部门的审核者。"))
    reviewed = roles.reviewed_organization_ids(request.user)
    return render(request, "access/review.html", {
        "queue": selectors.review_queue(request.user),
        "grants": selectors.grants_for(request.user).filter(dataset__organization_id__in=reviewed),
        "revoke_form": ReasonForm(),
    })


@login_required
@require_POST
def grant_revoke(request, pk):
    grant = _grant(request, pk)
    form = ReasonForm(request.POST)
    if not run_step(request, form, lambda data: services.revoke_grant(user=request.user, grant=grant, **data),
                _("授权已撤销。")):
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("access-review")


# --- staff: the audit log -------------------------------------------------------

def _audit_page(request, form):
    valid = form.is_valid()
    entries = audit_entries(form.cleaned_data) if valid else AuditEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/audit_log.html", {"form": form, "page": page}, status=200 if valid else 400)


@staff_required
def audit_log(request):
    return _audit_page(request, AuditFilterForm(request.GET))


@staff_required
def audit_export(request):
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _audit_page(request, form)
    return audit_exports.csv_response(audit_entries(form.cleaned_data))
