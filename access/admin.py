"""Read-only admin of the access app.

Applications, grants and reports change only through access.services (which
write the audit log and send the e-mails), so the admin shows them and nothing
more. The audit log's admin is in the audit app.
"""
from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import AccessApplication, Grant, UsageReport


@admin.register(AccessApplication)
class AccessApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "enterprise", "dataset", "status", "period_start", "period_end", "created")
    list_filter = ("status",)
    search_fields = ("enterprise__name_zh", "dataset__identifier", "dataset__title")
    list_select_related = ("enterprise", "dataset")


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "enterprise", "dataset", "starts_at", "expires_at", "revoked_at")
    search_fields = ("enterprise__name_zh", "dataset__identifier")
    list_select_related = ("enterprise", "dataset")


@admin.register(UsageReport)
class UsageReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "enterprise", "dataset", "is_public", "created")
    list_filter = ("is_public",)
    list_select_related = ("enterprise", "dataset")
