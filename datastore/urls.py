"""Data pages, mounted at the site root under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("resources/<int:pk>/data/", views.resource_data, name="resource-data"),
]
