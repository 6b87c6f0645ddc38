"""Search pages, mounted at /search/ under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("insights/", views.insights, name="search-insights"),
]
