"""Read-only admin of contributions.

A contribution moves only through contributions.services (validation, review, merge: each writes its
transition, the audit log and the e-mails), so the admin lists and shows them and changes nothing.
"""
from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Comment, Contribution, Transition


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Transition
    fields = ("created", "from_status", "to_status", "actor_label", "comment")
    readonly_fields = fields
    extra = 0


class CommentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Comment
    fields = ("created", "author_label", "field", "body")
    readonly_fields = fields
    extra = 0


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "status", "validation", "enterprise", "target_organization", "dataset",
                    "submitted_at", "reviewer")
    list_filter = ("status", "kind", "validation")
    search_fields = ("title", "enterprise__name_zh", "dataset__identifier", "filename")
    list_select_related = ("enterprise", "target_organization", "dataset", "reviewer")
    date_hierarchy = "created"
    inlines = [TransitionInline, CommentInline]
