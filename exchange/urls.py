"""Exchange routes, outside the translated pages: machine clients do not choose a language by URL."""
from django.urls import path, re_path

from .ckan import views as ckan

urlpatterns = [
    # CKAN's Action API: ckanapi calls /api/action/, harvesters /api/3/action/; no redirects either way.
    re_path(r"^api/(?:3/)?action/(?P<name>[^/]*)$", ckan.ActionView.as_view(), name="ckan-action"),
    path("api/3", ckan.api_version, name="ckan-api-version"),
]
