"""Enterprise verification in the Django admin: read-only profiles, verify/reject actions.

Profiles are created by registration (enterprises.services) and decided only
through enterprises.workflow, so the admin sends the same emails and records
the same history as the review page and the API.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

from . import workflow
from .models import EnterpriseProfile


class RejectActionForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ("organization", "credit_code", "status", "contact_name", "contact_email", "created", "decided_at")
    list_filter = ("status",)
    search_fields = ("organization__name_zh", "organization__name_en", "credit_code", "contact_name")
    actions = ["verify_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _decide_each(self, request, queryset, decide):
        done = 0
        for profile in queryset.select_related("organization"):
            try:
                decide(profile)
                done += 1
            except (ValidationError, DomainError) as error:
                text = error.message if isinstance(error, DomainError) else " ".join(error.messages)
                self.message_user(request, f"{profile.organization}: {text}", messages.ERROR)
        if done:
            self.message_user(request, _("已处理 %(count)d 个企业。") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("通过所选企业的认证"), permissions=["view"])
    def verify_selected(self, request, queryset):
        self._decide_each(request, queryset, lambda profile: workflow.verify(request, profile))

    @admin.action(description=_("驳回所选企业的认证"), permissions=["view"])
    def reject_selected(self, request, queryset):
        form = RejectActionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._decide_each(request, queryset, lambda profile: workflow.reject(request, profile, reason))
            return None
        return TemplateResponse(request, "enterprises/admin_reject.html", {
            **self.admin_site.each_context(request),
            "title": _("驳回企业认证"),
            "form": form,
            "profiles": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })
