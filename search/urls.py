"""Search pages, mounted at /search/ under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("insights/", views.insights, name="search-insights"),
    path("synonyms/", views.synonym_list, name="search-synonyms"),
    path("synonyms/<int:pk>/edit/", views.synonym_edit, name="search-synonym-edit"),
    path("synonyms/<int:pk>/delete/", views.synonym_delete, name="search-synonym-delete"),
    path("synonyms/<int:pk>/toggle/", views.synonym_toggle, name="search-synonym-toggle"),
]
