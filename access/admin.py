"""Read-only admin of the access app.

Applications, grants and reports change only through access.services (which
write the audit log and send the e-mails), so the admin shows them and nothing
more. The audit log is append-only: no add, change or delete, whoever asks;
staff filter it and export the selection as CSV.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.read_only_admin import ReadOnlyAdminMixin

from . import audit
from .models import AccessApplication, AuditEntry, Grant, UsageReport


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


@admin.action(description=_("导出所选记录为 CSV"))
def export_csv(modeladmin, request, queryset):
    return audit.csv_response(queryset.order_by("-created", "-id"))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created", "action", "actor_username", "key_prefix", "organization_label",
                    "dataset_identifier", "resource_label", "bytes", "ip_address")
    list_filter = ("action", ("created", admin.DateFieldListFilter))
    search_fields = ("actor_username", "key_prefix", "dataset_identifier", "organization_label")
    date_hierarchy = "created"
    # The references may point at deleted rows: show the labels, never follow the keys.
    fields = ("created", "action", "actor_username", "key_prefix", "organization_label", "dataset_identifier",
              "resource_label", "bytes", "ip_address", "detail")
    readonly_fields = fields
    actions = [export_csv]
