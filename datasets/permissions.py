"""Who may call the catalog API at all.

Only the coarse gate lives here: reads are open to everyone (the grade rules
in datasets.grading decide *what* each caller sees), writes need a signed-in
caller. Whether that caller may publish for an organization is a business rule
and is decided by datasets.services, which answers 403 through PermissionDenied.
"""
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadAnyoneWriteSignedIn(BasePermission):
    """Anyone may read; an anonymous write is refused before any parsing or lookup."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)
