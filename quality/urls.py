"""Quality pages, mounted under /quality/ (translated) by portal.urls."""
from django.urls import path

from . import views

urlpatterns = [
    path("organizations/<slug:slug>/", views.organization_attention, name="quality-attention"),
]
