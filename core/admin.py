"""What admin pages built on services share: service errors as messages, rows only services write."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from .service_forms import SERVICE_ERRORS


def error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


def load_saved(obj, saved):
    """Make the admin's unsaved form instance the row a service just created."""
    obj.pk = saved.pk
    obj.refresh_from_db()
    obj._state.adding = False


class ServiceErrorsMixin:
    """A service error after form validation (e.g. a concurrent edit) is a message, not a 500.

    The change view runs in a transaction, so nothing is half-written.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin, whoever asks; the view permission still lists and shows the rows.

    For what services write (history, decisions, the audit log). Mixed into a ModelAdmin or an
    inline (whose permission checks also receive the parent object).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
