"""Read-only admin of datastore loads.

A table is created, loaded, activated and repaired only by the load job (datastore.loading, core.jobs),
so the admin shows each load's progress and errors and changes nothing.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from .models import DatastoreTable


@admin.register(DatastoreTable)
class DatastoreTableAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("table_name", "resource", "version", "status", "is_active", "row_count", "rows_loaded",
                    "attempts", "started", "finished")
    list_filter = ("status", "is_active", "source_format")
    search_fields = ("table_name", "resource__name", "resource__dataset__identifier")
    list_select_related = ("resource", "version")
    exclude = ("columns", "indexed")
    readonly_fields = ("column_list",)

    @admin.display(description=_("列"))
    def column_list(self, table):
        return ", ".join(f"{column['name']} ({column['type']})" for column in table.columns)
