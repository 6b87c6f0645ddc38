from django.contrib import admin

from .models import SitePage


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ("slug", "title_zh", "title_en", "modified")
    search_fields = ("slug", "title_zh", "title_en")
