"""Contribution pages, mounted at /contributions/ under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.mine, name="contributions-mine"),
    path("new/", views.new, name="contribution-new"),
    path("review/", views.review, name="contributions-review"),
    path("<int:pk>/", views.detail, name="contribution-detail"),
    path("<int:pk>/edit/", views.edit, name="contribution-edit"),
    path("<int:pk>/submit/", views.submit, name="contribution-submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="contribution-withdraw"),
    path("<int:pk>/comment/", views.comment, name="contribution-comment"),
    path("<int:pk>/approve/", views.approve, name="contribution-approve"),
    path("<int:pk>/request-changes/", views.request_changes, name="contribution-request-changes"),
    path("<int:pk>/reject/", views.reject, name="contribution-reject"),
]
