from django.contrib import admin

from .models import QueryStat


@admin.register(QueryStat)
class QueryStatAdmin(admin.ModelAdmin):
    """Read-only: the rows are counters the search records, not something to edit."""

    list_display = ("text", "day", "count", "zero_result_count")
    list_filter = ("day",)
    search_fields = ("text",)
    ordering = ("-count", "-day", "text")
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
