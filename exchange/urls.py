"""Exchange routes, outside the translated pages: machine clients do not choose a language by URL."""
from django.urls import path

from .ckan import views as ckan

urlpatterns = [
    # CKAN's Action API: harvesters call /api/3/action/, ckanapi /api/action/; no redirects either way.
    path("api/3/action/<str:name>", ckan.ActionView.as_view(), name="ckan-action"),
    path("api/action/<str:name>", ckan.ActionView.as_view(), name="ckan-action-unversioned"),
    path("api/3/action/", ckan.ActionView.as_view(), name="ckan-action-missing"),
    path("api/3", ckan.api_version, name="ckan-api-version"),
]
