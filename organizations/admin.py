"""Organizations and their members in the admin; every save goes through organizations.services."""
from django.contrib import admin

from core.admin import ServiceErrorsMixin, load_saved

from . import services
from .models import Membership, Organization


class MembershipInline(admin.TabularInline):
    """Members are added through services.add_member; existing roles are shown read-only."""

    model = Membership
    fields = ("user", "role", "created")
    readonly_fields = ("created",)
    raw_id_fields = ("user",)
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    fields = services.ORGANIZATION_FIELDS
    list_display = ("slug", "name_zh", "name_en", "kind", "contact_email")
    list_filter = ("kind",)
    search_fields = ("slug", "name_zh", "name_en")
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in self.fields if not change or field in form.changed_data}
        # The service compares with what is stored, so give it the stored row, not the edited one.
        stored = Organization.objects.get(pk=obj.pk) if change else None
        load_saved(obj, services.save_organization(user=request.user, data=data, organization=stored))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):
            services.add_member(user=request.user, organization=form.instance,
                                member=membership.user, role=membership.role)
