"""Contribution pages: enterprises submit, edit, resubmit and withdraw; reviewers decide; both discuss.

Thin views: objects come from contributions.selectors (outside them: 404),
every step from contributions.services, whose refusals show on the form.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.service_forms import run_action, run_step
from enterprises.services import enterprises_of, not_a_verified_member
from organizations.refusals import not_a_reviewer
from organizations import roles

from . import presentation, selectors
from .forms import ApproveForm, CommentForm, ContributionForm, EditForm, QueueFilterForm, ReasonForm, RequestChangesForm
from .models import Kind, Status
from .services import comments, drafting, permissions, reviewing, submission


def _contribution(request, pk):
    return get_object_or_404(selectors.contributions_for(request.user), pk=pk)


@login_required
def mine(request):
    enterprise_ids = list(enterprises_of(request.user).values_list("pk", flat=True))
    return render(request, "contributions/mine.html", {
        "contributions": selectors.contributions_for(request.user).filter(enterprise_id__in=enterprise_ids),
        "reviews": bool(roles.reviewed_organization_ids(request.user)),
    })


@login_required
def new(request):
    enterprises = enterprises_of(request.user).filter(enterprise_profile__status="verified")
    if not enterprises.exists():
        raise not_a_verified_member(request.user, _("只有通过认证的企业成员可以提交数据贡献。"))
    form = ContributionForm(request.POST or None, request.FILES or None, enterprises=enterprises,
                            initial={"dataset": request.GET.get("dataset", ""), "kind": request.GET.get("kind", "")})
    created = {}

    def step(data):
        created["contribution"] = drafting.create(
            user=request.user, enterprise=data["enterprise"], kind=data["kind"],
            target={"organization": data["organization"].slug if data["organization"] else "",
                    "dataset": data["dataset"], "resource": data["resource"]},
            metadata=form.metadata(data["kind"]), uploaded=data.get("file"), message=data.get("message") or "",
            submit=data.get("submit_now"),
        )

    if request.method == "POST" and run_step(request, form, step, _("数据贡献已保存。")):
        return redirect("contribution-detail", created["contribution"].pk)
    return render(request, "contributions/form.html", {"form": form, "title": _("提交数据贡献")},
                  status=400 if request.method == "POST" else 200)


@login_required
def edit(request, pk):
    contribution = _contribution(request, pk)
    if not permissions.can_edit(request.user, contribution):
        raise PermissionDenied(_("只有贡献企业可以编辑草稿或需修改的贡献。"))
    metadata = contribution.metadata
    initial = {**metadata, "keywords": ", ".join(metadata.get("keywords") or []), "message": contribution.message}
    form = EditForm(request.POST or None, request.FILES or None, initial=initial)

    def step(data):
        drafting.update(user=request.user, contribution=contribution, metadata=form.metadata(contribution.kind),
                        uploaded=data.get("file"), message=data.get("message") or "")

    if request.method == "POST" and run_step(request, form, step, _("修改已保存。")):
        return redirect("contribution-detail", contribution.pk)
    return render(request, "contributions/form.html", {"form": form, "title": _("编辑数据贡献"),
                                                       "contribution": contribution},
                  status=400 if request.method == "POST" else 200)


def _detail_context(request, contribution, **forms):
    reviewer = permissions.can_review(request.user, contribution)
    columns = contribution.report.get("header") or []
    return {
        "contribution": contribution,
        "diff": presentation.metadata_diff(contribution),
        "can_edit": permissions.can_edit(request.user, contribution),
        "is_contributor": enterprises_of(request.user).filter(pk=contribution.enterprise_id).exists(),
        "can_decide": reviewer and contribution.status == Status.AWAITING_REVIEW,
        "can_request_changes": reviewer and contribution.status == Status.AWAITING_REVIEW,
        "open": contribution.status not in (Status.MERGED, Status.REJECTED, Status.WITHDRAWN),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(
            columns=columns, initial={"mask_columns": list(contribution.pii),
                                      "open_grade": contribution.dataset.open_grade if contribution.dataset else "open"}),
        "changes_form": forms.get("changes_form") or RequestChangesForm(fields=list(contribution.metadata)),
        "reject_form": forms.get("reject_form") or ReasonForm(),
        "kinds": Kind,
    }


@login_required
def detail(request, pk):
    contribution = _contribution(request, pk)
    return render(request, "contributions/detail.html", _detail_context(request, contribution))


def _step(request, pk, form_name, form, step, success):
    contribution = _contribution(request, pk)
    if run_step(request, form, lambda data: step(contribution, data), success):
        return redirect("contribution-detail", contribution.pk)
    contribution = _contribution(request, pk)
    return render(request, "contributions/detail.html",
                  _detail_context(request, contribution, **{form_name: form}), status=400)


def _simple(request, pk, step, success):
    contribution = _contribution(request, pk)
    run_action(request, lambda: step(contribution), success)
    return redirect("contribution-detail", contribution.pk)


@login_required
@require_POST
def submit(request, pk):
    return _simple(request, pk, lambda c: submission.submit(user=request.user, contribution=c),
                   _("已提交，正在自动校验。"))


@login_required
@require_POST
def withdraw(request, pk):
    return _simple(request, pk, lambda c: submission.withdraw(user=request.user, contribution=c), _("已撤回。"))


@login_required
@require_POST
def comment(request, pk):
    return _step(request, pk, "comment_form", CommentForm(request.POST),
                 lambda c, data: comments.add_comment(user=request.user, contribution=c, body=data["body"]),
                 _("留言已发布。"))


@login_required
@require_POST
def approve(request, pk):
    contribution = _contribution(request, pk)
    form = ApproveForm(request.POST, columns=contribution.report.get("header") or [])
    return _step(request, pk, "approve_form", form, lambda c, data: reviewing.approve(
        user=request.user, contribution=c, open_grade=data["open_grade"], mask_columns=data["mask_columns"],
        comment=data["comment"]), _("已批准并合并到数据目录。"))


@login_required
@require_POST
def request_changes(request, pk):
    contribution = _contribution(request, pk)
    form = RequestChangesForm(request.POST, fields=list(contribution.metadata))
    return _step(request, pk, "changes_form", form, lambda c, data: reviewing.request_changes(
        user=request.user, contribution=c, comment=data["comment"], field_comments=form.field_comments()),
        _("已要求修改。"))


@login_required
@require_POST
def reject(request, pk):
    return _step(request, pk, "reject_form", ReasonForm(request.POST), lambda c, data: reviewing.reject(
        user=request.user, contribution=c, reason=data["reason"]), _("已驳回。"))


@login_required
def review(request):
    if not roles.reviewed_organization_ids(request.user):
        raise not_a_reviewer(_("您不是任何政府部门的审核者。"))
    form = QueueFilterForm(request.GET)
    queue = selectors.review_queue(request.user, **form.filters()) if form.is_valid() else []
    return render(request, "contributions/review.html", {"form": form, "queue": queue},
                  status=200 if form.is_valid() else 400)
