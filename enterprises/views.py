"""Enterprise pages: register, "my enterprise", members, invitations, and the platform admins' review.

Thin: who may do what is enterprises.permissions, the rules are
enterprises.services (reached through enterprises.workflow, which adds the emails).
"""
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http_files import PRESIGNED_CACHE_CONTROL, content_disposition, presigned_location
from core.service_forms import SERVICE_ERRORS, attempt, run_action
from organizations import services as organization_services

from . import invitations, selectors, services, workflow
from .forms import EnterpriseRegisterForm, MemberAddForm, RejectForm
from .models import EnterpriseProfile
from .permissions import can_manage_enterprise, ensure_can_manage, ensure_can_view, ensure_platform_staff


def _viewable(request, slug):
    profile = selectors.enterprise_by_slug(slug)
    ensure_can_view(request.user, profile.organization)
    return profile


def _manageable(request, slug):
    profile = selectors.enterprise_by_slug(slug)
    ensure_can_manage(request.user, profile.organization)
    return profile


@login_required
def my_enterprises(request):
    profiles = selectors.enterprise_profiles_for(request.user).filter(
        organization__in=services.enterprises_of(request.user)
    )
    return render(request, "enterprises/mine.html", {"profiles": profiles})


@login_required
def register(request):
    form = EnterpriseRegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        profile = attempt(form, lambda: workflow.register(request, **form.cleaned_data))
        if profile:
            messages.success(request, _("企业认证申请已提交，请等待平台管理员审核。"))
            return redirect("enterprise-detail", profile.organization.slug)
    return render(request, "enterprises/register.html", {"form": form})


def _detail_context(request, profile, member_form=None):
    return {
        "profile": profile,
        "organization": profile.organization,
        "members": selectors.members_of(profile.organization),
        "can_manage": can_manage_enterprise(request.user, profile.organization),
        "member_form": member_form or MemberAddForm(),
    }


@login_required
def detail(request, slug):
    profile = _viewable(request, slug)
    return render(request, "enterprises/detail.html", _detail_context(request, profile))


@login_required
def member_add(request, slug):
    profile = _manageable(request, slug)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = attempt(form, lambda: workflow.add_member(
            request, profile.organization, form.cleaned_data["user"], form.cleaned_data["role"]
        ))
        if result:
            membership, invited = result
            if invited:
                messages.success(request, _("已向 %(email)s 发送邀请邮件。") % {"email": invited})
            else:
                messages.success(request, _("已添加成员 %(user)s。") % {"user": membership.user.username})
            return redirect("enterprise-detail", slug)
    return render(request, "enterprises/detail.html", _detail_context(request, profile, form))


@login_required
@require_POST
def member_remove(request, slug, username):
    profile = _manageable(request, slug)
    member = get_object_or_404(get_user_model(), username=username)
    if not selectors.members_of(profile.organization).filter(user=member).exists():
        raise Http404
    run_action(request, lambda: organization_services.remove_member(
        user=request.user, organization=profile.organization, member=member,
    ), _("已移除成员 %(user)s。") % {"user": member.username})
    return redirect("enterprise-detail", slug)


@login_required
def licence(request, slug):
    """The licence scan, only to the enterprise's members and platform staff (never a public media URL)."""
    profile = _viewable(request, slug)
    scan = profile.business_licence
    if not scan:
        raise Http404
    filename = scan.name.rsplit("/", 1)[-1]
    # In a bucket, the store sends it, as any download: a short-lived signed URL, given only past the check above.
    location = presigned_location(settings.DOWNLOAD_PRESIGNED_URL_SECONDS, scan.storage, scan.name, {
        "Content-Type": mimetypes.guess_type(filename)[0] or "application/octet-stream",
        "Content-Disposition": content_disposition(filename)})
    if location:
        response = HttpResponseRedirect(location)
        response["Cache-Control"] = PRESIGNED_CACHE_CONTROL
        return response
    return FileResponse(scan.open("rb"), as_attachment=True, filename=filename)


@login_required
def invitation(request, token):
    organization, email, role, _inviter = _attempt_token(token)
    if request.method == "POST":
        membership = invitations.accept(user=request.user, token=token)
        messages.success(request, _("您已加入企业“%(name)s”。") % {"name": membership.organization})
        return redirect("enterprise-detail", organization.slug)
    return render(request, "enterprises/invitation.html", {"organization": organization, "email": email,
                                                           "token": token})


def _attempt_token(token):
    try:
        return invitations.read_token(token)
    except SERVICE_ERRORS:
        raise Http404 from None


# --- platform admins ----------------------------------------------------------------

@login_required
def review(request):
    ensure_platform_staff(request.user)
    profiles = selectors.enterprise_profiles_for(request.user).select_related("registered_by")
    return render(request, "enterprises/review.html", {
        "pending": profiles.filter(status=EnterpriseProfile.Status.PENDING),
        "decided": profiles.exclude(status=EnterpriseProfile.Status.PENDING).order_by("-decided_at")[:20],
        "reject_form": RejectForm(),
    })


@login_required
@require_POST
def verify(request, slug):
    ensure_platform_staff(request.user)
    profile = selectors.enterprise_by_slug(slug)
    run_action(request, lambda: workflow.verify(request, profile),
               _("企业“%(name)s”已通过认证。") % {"name": profile.organization})
    return redirect("enterprise-review")


@login_required
def reject(request, slug):
    ensure_platform_staff(request.user)
    profile = selectors.enterprise_by_slug(slug)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(form, lambda: workflow.reject(request, profile, form.cleaned_data["reason"])):
            messages.success(request, _("企业“%(name)s”的申请已驳回。") % {"name": profile.organization})
            return redirect("enterprise-review")
    return render(request, "enterprises/reject.html", {"profile": profile, "form": form})
