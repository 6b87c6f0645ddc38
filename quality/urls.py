"""Quality page routes, mounted at the site root under i18n_patterns by portal.urls."""
from django.urls import path

from . import views

urlpatterns = [
    path("resources/<int:pk>/mask/", views.resource_mask, name="resource-mask"),
    path("quality/organizations/<slug:slug>/", views.organization_attention, name="quality-attention"),
]
