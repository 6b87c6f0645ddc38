"""Page routes of the catalog, mounted at the site root under i18n_patterns.

Dataset identifiers may contain "/", so the detail page takes the rest of the
path and every action on a dataset lives under "datasets/-/…" (an identifier
never starts with "-"), resources by their id.
"""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/-/mine/", views.my_datasets, name="my-datasets"),
    path("datasets/-/new/", views.dataset_create, name="dataset-create"),
    path("datasets/-/edit/<path:identifier>", views.dataset_edit, name="dataset-edit"),
    path("datasets/-/publish/<path:identifier>", views.dataset_publish, name="dataset-publish"),
    path("datasets/-/archive/<path:identifier>", views.dataset_archive, name="dataset-archive"),
    path("datasets/-/delete/<path:identifier>", views.dataset_delete, name="dataset-delete"),
    path("datasets/-/add-resource/<path:identifier>", views.resource_create, name="resource-create"),
    path("datasets/<path:identifier>/", views.dataset_detail, name="dataset-detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource-edit"),
    path("resources/<int:pk>/replace/", views.resource_replace, name="resource-replace"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource-delete"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/<slug:code>/", views.theme_detail, name="theme-detail"),
]
