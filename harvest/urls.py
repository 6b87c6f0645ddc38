"""Harvest pages, mounted at /harvest/ under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.source_list, name="harvest-sources"),
    path("new/", views.source_new, name="harvest-source-new"),
    path("<int:pk>/", views.source_detail, name="harvest-source-detail"),
    path("<int:pk>/edit/", views.source_edit, name="harvest-source-edit"),
    path("<int:pk>/run/", views.source_run, name="harvest-source-run"),
    path("jobs/<int:pk>/", views.job_detail, name="harvest-job-detail"),
    path("jobs/<int:pk>/abort/", views.job_abort, name="harvest-job-abort"),
]
