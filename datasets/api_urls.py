"""Catalog API v1 routes (included under /api/v1/ by portal.api_urls)."""
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import SimpleRouter

from . import api


class PathLookupRouter(SimpleRouter):
    """A router whose detail lookups may contain "/".

    Dataset identifiers such as "traffic/2024:q1.v2" hold slashes, so the
    lookup pattern is greedy; matching detail actions ("<id>/publish/")
    before the plain detail route ("<id>/") keeps them reachable.
    """

    routes = [SimpleRouter.routes[0], SimpleRouter.routes[1], SimpleRouter.routes[3], SimpleRouter.routes[2]]


obtain_auth_token = extend_schema_view(
    post=extend_schema(summary="Exchange a username and password for a session token"))(ObtainAuthToken).as_view()

router = PathLookupRouter()
router.register("organizations", api.OrganizationViewSet, basename="api-organization")
router.register("themes", api.ThemeViewSet, basename="api-theme")
router.register("licences", api.LicenceViewSet, basename="api-licence")
router.register("datasets", api.DatasetViewSet, basename="api-dataset")
router.register("resources", api.ResourceViewSet, basename="api-resource")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    *router.urls,
]
