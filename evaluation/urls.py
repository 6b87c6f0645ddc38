"""Evaluation pages (translated, under /evaluation/): the public view and, under staff/, the staff view."""
from django.urls import path

from access.views import staff_required

from . import views
from .facts import STAFF

staff_dashboard = staff_required(views.dashboard)
staff_organization = staff_required(views.organization)
staff_export = staff_required(views.export)

urlpatterns = [
    path("", views.dashboard, name="evaluation"),
    path("organizations/<slug:slug>/", views.organization, name="evaluation-organization"),
    path("export.<str:fmt>", views.export, name="evaluation-export"),
    path("staff/", staff_dashboard, {"audience": STAFF}, name="evaluation-staff"),
    path("staff/organizations/<slug:slug>/", staff_organization, {"audience": STAFF},
         name="evaluation-staff-organization"),
    path("staff/export.<str:fmt>", staff_export, {"audience": STAFF}, name="evaluation-staff-export"),
]
