"""Content-Security-Policy header (Django 5.2 has none built in).

The policy comes from settings.CONTENT_SECURITY_POLICY, a dict of directive ->
sources; an empty setting sends nothing. Pages load scripts and styles only from
static files, so the policy can forbid every inline script and style. A view
that needs a different policy (e.g. the third-party API docs page) wraps itself
in `content_security_policy(...)`; the middleware never overwrites a header a
view already set.
"""
from functools import wraps

from django.conf import settings

HEADER = "Content-Security-Policy"


def serialize_policy(policy):
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = serialize_policy(getattr(settings, "CONTENT_SECURITY_POLICY", None) or {})

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
