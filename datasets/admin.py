"""The Django admin for platform staff.

The admin is one more entry point, so every write to datasets goes through
datasets.services (with request.user as the actor):
the same validation, the same history rows, the same re-indexing as the pages
and the API. Vocabularies (themes, licences) have no rules beyond their model.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ServiceErrorsMixin, error_text, load_saved
from core.service_forms import SERVICE_ERRORS

from .models import Activity, Dataset, Licence, Resource, Theme
from .services.lifecycle import archive_dataset, create_dataset, delete_dataset, publish_dataset, update_dataset
from .services.metadata import DATASET_FIELDS, clean_dataset_data

# --- vocabularies -------------------------------------------------------------

@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "parent", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("parent__position", "position", "code")


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("code", "title_zh", "title_en", "is_open")
    list_filter = ("is_open",)
    search_fields = ("code", "title_zh", "title_en")


# --- datasets -------------------------------------------------------------------

class ResourceInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Files are uploaded, inspected and versioned by the publishing pages and API, not here."""

    model = Resource
    fields = ("name", "kind", "format", "size", "url", "current_version", "download_count", "modified")
    readonly_fields = fields
    extra = 0
    show_change_link = False


class DatasetAdminForm(forms.ModelForm):
    """Validated by the services' own cleaner, so the admin accepts exactly what they accept."""

    keywords = forms.CharField(label=_("关键词"), required=False, help_text=_("用逗号分隔。"))
    keywords_en = forms.CharField(label=_("英文关键词"), required=False, help_text=_("用逗号分隔。"))

    class Meta:
        model = Dataset
        fields = ("organization", *DATASET_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # also when bound: changed_data compares with it
            for field in ("keywords", "keywords_en"):
                self.initial[field] = ", ".join(getattr(self.instance, field) or [])

    def _post_clean(self):
        """After the model checks (identifier uniqueness), the services' own validation."""
        super()._post_clean()
        try:
            clean_dataset_data(self.service_data(), instance=self.instance if self.instance.pk else None)
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, field_messages)

    def service_data(self):
        """What the services get: every field on add, only the changed ones on change."""
        names = [name for name in DATASET_FIELDS if name in self.cleaned_data]
        if self.instance.pk:
            names = [name for name in names if name in self.changed_data]
        return {name: self.cleaned_data[name] for name in names}


@admin.register(Dataset)
class DatasetAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    form = DatasetAdminForm
    list_display = ("identifier", "title", "organization", "open_grade", "state", "published_at", "download_count")
    list_filter = ("state", "open_grade", "organization", "themes")
    list_select_related = ("organization",)
    search_fields = ("identifier", "title", "title_en")
    date_hierarchy = "modified"
    filter_horizontal = ("themes",)
    inlines = [ResourceInline]
    actions = ["publish", "archive"]
    # The platform's fields; the state changes through the actions below.
    platform_fields = ("state", "published_at", "download_count", "created", "modified")

    def get_readonly_fields(self, request, obj=None):
        # A dataset never changes identifier ("one number, one source") nor organization.
        return (("identifier", "organization") if obj else ()) + self.platform_fields

    def save_model(self, request, obj, form, change):
        data = form.service_data()
        if change:
            saved = update_dataset(user=request.user, dataset=obj, data=data)
        else:
            saved = create_dataset(
                user=request.user, organization=form.cleaned_data["organization"], data=data
            )
        load_saved(obj, saved)

    def save_related(self, request, form, formsets, change):
        """No form.save_m2m(): the services set the themes. The resource inline saves nothing (read-only)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        delete_dataset(user=request.user, dataset=obj)

    def delete_queryset(self, request, queryset):
        for dataset in queryset.select_related("organization"):
            delete_dataset(user=request.user, dataset=dataset)

    def _apply_to_each(self, request, queryset, service):
        """Run a state service on each selected dataset; report failures one by one."""
        done = 0
        for dataset in queryset.select_related("organization"):
            try:
                service(user=request.user, dataset=dataset)
            except SERVICE_ERRORS as error:
                self.message_user(request, f"{dataset.identifier}: {error_text(error)}", messages.ERROR)
            else:
                done += 1
        return done

    @admin.action(description=_("发布所选数据集"), permissions=["change"])
    def publish(self, request, queryset):
        done = self._apply_to_each(request, queryset, publish_dataset)
        self.message_user(request, ngettext("已发布 %(n)d 个数据集。", "已发布 %(n)d 个数据集。", done) % {"n": done})

    @admin.action(description=_("归档所选数据集"), permissions=["change"])
    def archive(self, request, queryset):
        done = self._apply_to_each(request, queryset, archive_dataset)
        self.message_user(request, ngettext("已归档 %(n)d 个数据集。", "已归档 %(n)d 个数据集。", done) % {"n": done})


# --- history ----------------------------------------------------------------------

@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history is written only by the services and never edited: read-only for everyone."""

    list_display = ("created", "actor", "action", "object_type", "object_label", "organization")
    list_filter = ("action", "object_type")
    list_select_related = ("actor", "organization")
    search_fields = ("object_label", "actor__username")
    date_hierarchy = "created"
