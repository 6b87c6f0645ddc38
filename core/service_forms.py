"""Page forms over services: a service's refusal is shown next to the field it names, never as a 500.

Services raise ValidationError (a field dict or messages) or a DomainError
(Conflict, PayloadTooLarge, ... naming one field). A page view runs the call
through `attempt` or `run_step` (with a form) or `run_action` (a button with
no form, whose refusal becomes a flash message); anything else a service
raises (PermissionDenied, Http404) is left to Django's handlers.
"""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from core.exceptions import DomainError

# What the services raise for bad input; anything else is a bug and should surface.
SERVICE_ERRORS = (ValidationError, DomainError)


class ServiceForm(forms.Form):
    """A form whose data is checked by a service; shows the service's refusals on the form."""

    def add_service_error(self, error):
        if isinstance(error, DomainError):
            fields = {error.field: [error.message]}
        elif hasattr(error, "error_dict"):
            fields = error.message_dict
        else:
            fields = {None: error.messages}
        for field, messages_ in fields.items():
            target = field if field in self.fields else None
            for message in messages_:
                self.add_error(target, message if target else self._labelled(field, message))

    def _labelled(self, field, message):
        return f"{field}: {message}" if field and field != "__all__" else message


def attempt(form, action):
    """Run a service call; its refusal becomes form errors and the result None."""
    try:
        return action()
    except SERVICE_ERRORS as error:
        form.add_service_error(error)
        return None


def run_step(request, form, step, success):
    """Validate the form, run `step(cleaned_data)`; on refusal put the error on the form. True when done."""
    if not form.is_valid():
        return False
    try:
        step(form.cleaned_data)
    except SERVICE_ERRORS as error:
        form.add_service_error(error)
        return False
    messages.success(request, success)
    return True


def refusal_messages(error):
    """The texts of a service refusal, for people."""
    return getattr(error, "messages", None) or [getattr(error, "message", str(error))]


def run_action(request, action, success=None):
    """Run a service call that has no form: its refusal becomes error messages and the result None."""
    try:
        result = action()
    except SERVICE_ERRORS as error:
        for text in refusal_messages(error):
            messages.error(request, text)
        return None
    if success:
        messages.success(request, success)
    return result
