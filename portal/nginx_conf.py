"""The nginx site (deploy/nginx/portal.conf.template) rendered from the portal's settings.

Rendered, not copied, so that nginx and Django cannot disagree: the body size nginx lets
through is the portal's own upload limit, the headers nginx adds to what it serves itself
(static files, stored files, its error answers) are the ones Django sends on its pages, and
the internal download location is the prefix Django hands files to.
"""
import re
from pathlib import Path

from django.conf import settings

from core.templatetags.components import UPLOAD_LIMITS

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx" / "portal.conf.template"
DEFAULT_ACCEL_PREFIX = "/_protected/"
# gunicorn's worker timeout (deploy/gunicorn.conf.py) plus a margin, so gunicorn answers first.
PROXY_TIMEOUT = 75
# A value of several lines is indented as its placeholder is.
_PLACEHOLDER = re.compile(r"( *)\{\{ (\w+) \}\}")
TOO_LARGE_MESSAGE = "请求体超过上传大小上限（%d 字节）。"
UNAVAILABLE_MESSAGE = "服务暂时不可用，请稍后重试。"


def client_max_body_size():
    """The largest file any upload form accepts, plus the form fields Django reads around it."""
    return max(getattr(settings, name) for name in UPLOAD_LIMITS) + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def accel_prefix():
    """Where Django hands downloads to nginx (DOWNLOAD_X_ACCEL_REDIRECT_PREFIX), as a location."""
    prefix = settings.DOWNLOAD_X_ACCEL_REDIRECT_PREFIX or DEFAULT_ACCEL_PREFIX
    return "/" + prefix.strip("/") + "/"


def hsts_value():
    """Django's Strict-Transport-Security value (SecurityMiddleware), or "" when it sends none."""
    if not settings.SECURE_HSTS_SECONDS:
        return ""
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


def security_headers(tls):
    """The headers Django's middleware puts on its responses, for what nginx answers itself.

    Proxied responses get none from nginx: Django's own reach the client, so no header is
    sent twice. HSTS only over TLS, as Django does (it sends it on secure requests only).
    """
    headers = {}
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if settings.X_FRAME_OPTIONS:
        headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS.upper()
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        headers["Referrer-Policy"] = policy if isinstance(policy, str) else ",".join(policy)
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if tls and hsts_value():
        headers["Strict-Transport-Security"] = hsts_value()
    return headers


def _listen(listen, tls_certificate, tls_key):
    if not tls_certificate:
        return f"listen {listen};"
    return "\n".join([f"listen {listen} ssl http2;", f"ssl_certificate {tls_certificate};",
                          f"ssl_certificate_key {tls_key};", "ssl_protocols TLSv1.2 TLSv1.3;",
                          "ssl_session_cache shared:portal_tls:10m;"])


def render(*, listen, upstream, static_root=None, media_root=None, server_name="_",
           tls_certificate="", tls_key=""):
    """The site's text for nginx listening on `listen` (port or address:port) in front of `upstream`."""
    if bool(tls_certificate) != bool(tls_key):
        raise ValueError("a TLS certificate needs its key, and a key its certificate")
    limit = client_max_body_size()
    values = {
        "listen": _listen(listen, tls_certificate, tls_key),
        "upstream": upstream,
        "server_name": server_name,
        "client_max_body_size": str(limit),
        "static_url": "/" + settings.STATIC_URL.strip("/") + "/",
        "static_root": str(Path(static_root or settings.STATIC_ROOT).resolve()),
        "media_root": str(Path(media_root or settings.MEDIA_ROOT).resolve()),
        "accel_prefix": accel_prefix(),
        "proxy_timeout": str(PROXY_TIMEOUT),
        "security_headers": "\n".join(f'add_header {name} "{value}" always;'
                                      for name, value in security_headers(bool(tls_certificate)).items()),
        "too_large_message": TOO_LARGE_MESSAGE % limit,
        "unavailable_message": UNAVAILABLE_MESSAGE,
    }
    return _PLACEHOLDER.sub(lambda match: match.group(1) + values[match.group(2)].replace("\n", "\n" + match.group(1)),
                            TEMPLATE.read_text(encoding="utf-8"))
