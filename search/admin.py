"""The synonym list in the admin: every save and delete goes through search.synonyms, so each one
writes a version; the versions are read-only."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ServiceErrorsMixin, load_saved

from . import synonyms
from .models import SynonymGroup, SynonymListVersion

GROUP_FIELDS = ("terms", "note", "active")


class SynonymGroupAdminForm(forms.ModelForm):
    """Checked by the service's own cleaner, so the admin accepts exactly what the page accepts."""

    class Meta:
        model = SynonymGroup
        fields = GROUP_FIELDS

    def clean_terms(self):
        try:
            return synonyms.clean_terms(self.cleaned_data["terms"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["terms"]) from error


@admin.register(SynonymGroup)
class SynonymGroupAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    form = SynonymGroupAdminForm
    list_display = ("terms", "note", "active", "modified", "modified_by")
    list_filter = ("active",)
    list_select_related = ("modified_by",)
    search_fields = ("terms", "note")
    readonly_fields = ("created", "modified", "modified_by")
    actions = ("activate", "deactivate")

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in GROUP_FIELDS if not change or field in form.changed_data}
        stored = SynonymGroup.objects.get(pk=obj.pk) if change else None
        load_saved(obj, synonyms.save_synonym_group(user=request.user, data=data, group=stored))

    def delete_model(self, request, obj):
        synonyms.delete_synonym_group(user=request.user, group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            synonyms.delete_synonym_group(user=request.user, group=group)

    def _set_active(self, request, queryset, active):
        for group in queryset:
            synonyms.save_synonym_group(user=request.user, group=group, data={"active": active})
        count = len(queryset)
        self.message_user(request, ngettext("已更新 %(n)d 个同义词组。", "已更新 %(n)d 个同义词组。", count) % {"n": count},
                          messages.SUCCESS)

    @admin.action(description=_("启用所选同义词组"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description=_("停用所选同义词组"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)


@admin.register(SynonymListVersion)
class SynonymListVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written only by search.synonyms, never edited."""

    list_display = ("number", "created", "created_by", "action", "change")
    list_filter = ("action",)
    list_select_related = ("created_by",)
    search_fields = ("change",)
    date_hierarchy = "created"
