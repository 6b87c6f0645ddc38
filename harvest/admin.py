"""Harvest in the admin, read-only: a source changes only through harvest.services.sources (its URL is
checked against SSRF, its next run computed, the change audited); jobs, reports and provenance links are
written by the job runner alone."""
from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import HarvestedDataset, HarvestJob, HarvestRecord, HarvestSource


@admin.register(HarvestSource)
class HarvestSourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "organization", "schedule", "active", "next_run_at")
    list_filter = ("kind", "schedule", "active")
    search_fields = ("name", "url")
    list_select_related = ("organization",)


@admin.register(HarvestJob)
class HarvestJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "status", "dry_run", "created", "finished", "read", "created_count",
                    "updated_count", "failed_count")
    list_filter = ("status", "dry_run")
    list_select_related = ("source",)
    date_hierarchy = "created"


@admin.register(HarvestRecord)
class HarvestRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("remote_id", "title", "outcome", "field", "job")
    list_filter = ("outcome",)
    search_fields = ("remote_id", "title")
    list_select_related = ("job", "job__source")


@admin.register(HarvestedDataset)
class HarvestedDatasetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dataset", "source", "remote_id", "last_harvested", "last_seen")
    search_fields = ("remote_id", "dataset__identifier")
    list_select_related = ("dataset", "source")
