"""The audit log in the admin: append-only, so no add, change or delete, whoever asks."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from . import exports
from .models import AuditEntry


@admin.action(description=_("导出所选记录为 CSV"))
def export_csv(modeladmin, request, queryset):
    return exports.csv_response(queryset.order_by("-created", "-id"))


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
