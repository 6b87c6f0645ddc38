"""Admin: platform staff configure plans, assign a key's plan, revoke keys and see usage.

Secrets are never shown (only the stored hash exists) and keys are issued
through the portal (apikeys.services), not typed in here.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApiKey, Plan, UsageDaily


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "burst_per_second", "requests_per_minute", "daily_quota",
                    "is_default_for_enterprises", "is_default_for_individuals"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "organization", "user", "plan", "status_label", "expires_at", "last_used_at"]
    list_filter = ["plan", "organization"]
    search_fields = ["prefix", "name", "user__username", "organization__name_zh"]
    fields = ["name", "prefix", "organization", "user", "plan", "scopes", "allowed_networks", "expires_at",
              "revoked_at", "grace_until", "replaced_by", "last_used_at", "created"]
    readonly_fields = ["prefix", "organization", "user", "scopes", "allowed_networks", "grace_until",
                       "replaced_by", "last_used_at", "created"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("状态"))
    def status_label(self, key):
        return key.status_label


@admin.register(UsageDaily)
class UsageDailyAdmin(admin.ModelAdmin):
    list_display = ["day", "key", "endpoint", "status", "dataset", "calls", "bytes"]
    list_filter = ["day", "status"]
    search_fields = ["key__prefix", "endpoint", "dataset"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
