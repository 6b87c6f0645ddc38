"""Quality page routes, mounted at the site root under i18n_patterns."""
from django.urls import path

from . import views

urlpatterns = [
    path("resources/<int:pk>/mask/", views.resource_mask, name="resource-mask"),
]
