"""`Authorization: Api-Key <prefix>.<secret>`: DRF authentication by API key.

On success `request.user` is the key's *principal* and `request.auth` the
ApiKey itself (other apps rely on this: `request.auth.organization` is the
enterprise, `request.auth.has_scope(...)`). The principal is the key's holder
with only what a key may carry: never staff powers, and membership of the
key's own enterprise alone (none for an individual's key), whatever else the
person who issued it may do on the portal. So a leaked key exposes no more
than the public catalog plus what was granted to its enterprise.

Failures answer 401 with a code saying why (key_malformed, key_unknown,
key_expired, key_revoked), 403 for key_ip_not_allowed and missing scopes, and
401 key_unclaimed for any other Authorization header no authenticator takes
(invalid credentials are never treated as anonymous). They are counted per IP
by the limiter, so guessing keys is rate limited too. A key sent in the query
string is refused before any view (apikeys.url_keys). Nothing is logged with
the token in it, and a refused call changes nothing stored.
"""
import copy
import ipaddress

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from organizations.roles import restrict_principal_to

from . import secrets, throttling
from .models import ApiKey, KeyStatus
from .permissions import check_scopes

KEYWORD = "Api-Key"


class KeyAuthenticationFailed(exceptions.AuthenticationFailed):
    pass


def _read_only_save(*args, **kwargs):
    raise RuntimeError("An API key principal is never saved")


def principal_of(key):
    user = copy.copy(key.user)
    user.is_staff = user.is_superuser = False
    restrict_principal_to(user, [key.organization_id] if key.organization_id else [])
    user.save = _read_only_save
    return user


def _refusal(key):
    status = key.status
    if status == KeyStatus.REVOKED:
        return KeyAuthenticationFailed(_("API 密钥已被吊销。"), code="key_revoked")
    if status == KeyStatus.ROTATED:
        return KeyAuthenticationFailed(_("API 密钥已轮换，宽限期已结束，请改用新密钥。"), code="key_revoked")
    if status == KeyStatus.EXPIRED:
        return KeyAuthenticationFailed(_("API 密钥已过期。"), code="key_expired")
    if not key.user.is_active:
        return KeyAuthenticationFailed(_("API 密钥的持有账户已停用。"), code="key_revoked")
    return None


def ip_allowed(key, address):
    if not key.allowed_networks:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network) for network in key.allowed_networks)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        try:
            return self._authenticate(request)
        except exceptions.APIException:
            throttling.limit_by_ip(request._request)
            raise

    def presented_token(self, request):
        """The token the request presents as an API key ("" when malformed), or None when it presents none."""
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        return parts[1].decode("ascii", errors="replace") if len(parts) == 2 else ""

    def _authenticate(self, request):
        token = self.presented_token(request)
        if token is None:
            return None
        split = secrets.split(token)
        if split is None:
            raise KeyAuthenticationFailed(_("API 密钥格式不正确。"), code="key_malformed")
        prefix, secret = split
        key = ApiKey.objects.select_related("plan", "user").filter(prefix=prefix).first()
        if key is None or not secrets.matches(key, secret):
            raise KeyAuthenticationFailed(_("API 密钥不存在。"), code="key_unknown")
        refusal = _refusal(key)
        if refusal is None and not ip_allowed(key, throttling.client_ip(request._request)):
            refusal = exceptions.PermissionDenied(_("此 API 密钥不允许从该 IP 地址使用。"), code="key_ip_not_allowed")
        if refusal is not None:
            refusal.key = key  # the audit log names the key that was refused (datasets.access_audit.record_refusal)
            raise refusal
        check_scopes(request, request.parser_context.get("view"), key)
        return principal_of(key), key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class CkanKeyAuthentication(ApiKeyAuthentication):
    """The same keys as CKAN's clients send them: `Authorization: <key>` (ckanapi), `X-CKAN-API-Key: <key>`,
    or `Authorization: Api-Key <key>`. Used by the CKAN Action API (exchange.ckan) only."""

    def presented_token(self, request):
        legacy = request.META.get("HTTP_X_CKAN_API_KEY", "").strip()
        if legacy:
            return legacy
        header = get_authorization_header(request).decode("ascii", errors="replace").strip()
        if not header:
            return None
        keyword, _space, rest = header.partition(" ")
        return rest.strip() if keyword.lower() == KEYWORD.lower() else header

    def authenticate_header(self, request):
        return None


class UnclaimedAuthorization(BaseAuthentication):
    """Last of the authenticators: an Authorization header none of the others took is refused.

    An unknown scheme (Bearer, Basic, a bare token) is invalid credentials, not an anonymous call.
    """

    def authenticate(self, request):
        if get_authorization_header(request):
            throttling.limit_by_ip(request._request)
            raise exceptions.AuthenticationFailed(
                _("无法识别的 Authorization 请求头；请使用 “Authorization: Api-Key <密钥>”。"),
                code="authentication_failed")
        return None
