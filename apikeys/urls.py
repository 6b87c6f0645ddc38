"""Key pages, mounted at /keys/ under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.key_list, name="apikey-list"),
    path("new/", views.key_create, name="apikey-create"),
    path("usage/", views.usage, name="apikey-usage"),
    path("<int:pk>/revoke/", views.key_revoke, name="apikey-revoke"),
    path("<int:pk>/rotate/", views.key_rotate, name="apikey-rotate"),
]
