"""The site pages, in the page's language (English falls back to the Chinese text, saying so)."""
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from core.markdown import render_markdown

from .models import SitePage


def site_page(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    return render(request, "sitepages/page.html", {
        "page": page,
        "body_html": render_markdown(page.body),
        "in_chinese_only": (get_language() or "").startswith("en") and not page.body_en,
    })
