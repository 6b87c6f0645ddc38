"""Contribution pages, mounted at /contributions/ under i18n_patterns."""
from django.urls import path

from . import views

# The steps on one contribution: /contributions/<pk>/<step>/, each handled by the view named after it.
STEPS = ("edit", "submit", "withdraw", "comment", "approve", "request-changes", "reject")

urlpatterns = [
    path("", views.mine, name="contributions-mine"),
    path("new/", views.new, name="contribution-new"),
    path("review/", views.review, name="contributions-review"),
    path("<int:pk>/", views.detail, name="contribution-detail"),
    *(path(f"<int:pk>/{step}/", getattr(views, step.replace("-", "_")), name=f"contribution-{step}") for step in STEPS),
]
