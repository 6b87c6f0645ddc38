"""Write-serializer building blocks shared by every API: strict bodies, text fields, JSON values.

They check shape and type only; the rules belong to each app's services,
which receive a plain dict of the fields the client actually sent.
"""
import json

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """Refuses body fields it does not declare instead of silently dropping them."""

    # The schema says so (core.schema: additionalProperties: false).
    refuses_unknown_fields = True

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("未知字段。")] for name in unknown})
        return super().to_internal_value(data)

    def provided(self):
        """The validated fields the client actually sent, as the plain dict services take."""
        return dict(self.validated_data)


def text_field(**kwargs):
    """A string whose content rules (blank, length) are left to the services."""
    return serializers.CharField(
        required=kwargs.pop("required", False), allow_blank=True, allow_null=True, trim_whitespace=False, **kwargs
    )


class JSONValueField(serializers.JSONField):
    """JSON in a JSON body, or a JSON-encoded string in a form/multipart body."""

    default_error_messages = {"invalid": _("不是合法的 JSON。")}

    def to_internal_value(self, data):
        if isinstance(data, str) and isinstance(self.root.initial_data, QueryDict):
            try:
                return json.loads(data) if data.strip() else None
            except ValueError:
                self.fail("invalid")
        return super().to_internal_value(data)
