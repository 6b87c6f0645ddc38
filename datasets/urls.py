"""Page routes of the catalog, mounted at the site root under i18n_patterns.

Dataset identifiers may contain "/", so the detail page takes the rest of the
path and every action on a dataset lives under "datasets/-/…" (an identifier
never starts with "-"), resources by their id.
"""
from django.urls import path

from . import views

# The steps on one dataset or resource, each handled by the view named after it.
DATASET_STEPS = ("edit", "publish", "archive", "delete")
RESOURCE_STEPS = ("edit", "replace", "delete")

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/-/mine/", views.my_datasets, name="my-datasets"),
    path("datasets/-/new/", views.dataset_create, name="dataset-create"),
    *(path(f"datasets/-/{step}/<path:identifier>", getattr(views, f"dataset_{step}"), name=f"dataset-{step}")
      for step in DATASET_STEPS),
    path("datasets/-/add-resource/<path:identifier>", views.resource_create, name="resource-create"),
    path("datasets/<path:identifier>/", views.dataset_detail, name="dataset-detail"),
    *(path(f"resources/<int:pk>/{step}/", getattr(views, f"resource_{step}"), name=f"resource-{step}")
      for step in RESOURCE_STEPS),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/<slug:code>/", views.theme_detail, name="theme-detail"),
]
