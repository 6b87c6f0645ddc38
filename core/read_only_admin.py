"""Admin pages that only show rows: what the services write (history, decisions, the audit log) is never edited by hand."""


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin, whoever asks; the view permission still lists and shows the rows.

    Mixed into a ModelAdmin or an inline (whose permission checks also receive the parent object).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
