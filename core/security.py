"""Content-Security-Policy header (Django 5.2 has none built in).

The policy comes from settings.CONTENT_SECURITY_POLICY, a dict of directive ->
sources; an empty setting sends nothing. Pages load scripts and styles only from
static files, so the policy can forbid every inline script and style. A view
that needs a different policy (e.g. the third-party API docs page) wraps itself
in `content_security_policy(...)`; the middleware never overwrites a header a
view already set.
"""
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings

HEADER = "Content-Security-Policy"


def tile_source(url):
    """The CSP source of a Leaflet tile URL template: its origin, `{s}.` subdomains as a wildcard; None if unusable."""
    parts = urlsplit(url.replace("{s}.", "subdomain-placeholder.", 1))
    if parts.scheme not in ("http", "https") or not parts.hostname or "{" in parts.netloc:
        return None
    host = parts.netloc.replace("subdomain-placeholder.", "*.", 1)
    return f"{parts.scheme}://{host}"


def site_policy():
    """The setting's policy, plus the map tile host (settings.MAP_TILE_URL) among the image sources when one is set."""
    policy = {directive: list(sources) for directive, sources in
              (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).items()}
    source = tile_source(getattr(settings, "MAP_TILE_URL", ""))
    if policy and source:
        policy.setdefault("img-src", ["'self'"]).append(source)
    return policy


def serialize_policy(policy):
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = serialize_policy(site_policy())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and HEADER not in response:
            response[HEADER] = self.header
        return response


def content_security_policy(policy):
    """Give one view its own policy (a dict like the setting)."""
    header = serialize_policy(policy)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response[HEADER] = header
            return response
        return wrapped
    return decorator
