"""Which scope a call made with an API key needs.

A view may declare `required_scopes`: a tuple of scopes of which the key must
hold one, or None to refuse keys altogether (key management itself needs a
signed-in person). Views that declare nothing get the defaults below, so the
catalog, search and download views need no change to be safe with keys:

- reading the catalog (any GET/HEAD/OPTIONS under /api/): `catalog:read`;
- downloads: `catalog:read` or `data:read` (open data is part of the public
  catalog; conditional data further needs `data:read` and a grant, which the
  grade rules in datasets.grading decide);
- anything that writes: refused unless the view declares a scope (e.g.
  `contributions:write` on contribution endpoints). Keys never publish.

The check runs inside ApiKeyAuthentication, before any view code.
"""
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from .models import Scope

UNDECLARED = object()
READ_SCOPES = (Scope.CATALOG_READ,)
DOWNLOAD_SCOPES = (Scope.CATALOG_READ, Scope.DATA_READ)


def required_scopes(request, view):
    declared = getattr(view, "required_scopes", UNDECLARED)
    if declared is not UNDECLARED:
        return declared
    # Imported here: DRF imports this module while rest_framework.views is still loading.
    from datasets.downloads.views import DownloadView

    if isinstance(view, DownloadView):
        return DOWNLOAD_SCOPES
    return READ_SCOPES if request.method in SAFE_METHODS else None


def check_scopes(request, view, key):
    needed = required_scopes(request, view)
    if needed is None:
        raise PermissionDenied(_("API 密钥不能用于此操作，请登录后再试。"), code="key_not_accepted")
    if not any(key.has_scope(scope) for scope in needed):
        raise PermissionDenied(
            _("此密钥缺少所需的权限范围：%(scopes)s。") % {"scopes": _(" 或 ").join(str(s) for s in needed)},
            code="scope_missing",
        )
