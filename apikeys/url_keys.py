"""A key in the query string is refused everywhere, pages included: 400 key_in_url.

Query strings end up in access logs, browser history and Referer headers, so a
key sent there is treated as leaked rather than silently ignored or used. This
middleware owns the rule for every path (API, downloads, exports, pages).
"""
from django.utils.translation import gettext as _

from core.http_errors import refusal

QUERY_PARAMETERS = ("api_key", "apikey", "api-key")


class KeyInUrlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = {name.lower() for name in request.GET}
        found = next((name for name in QUERY_PARAMETERS if name in names), None)
        if found is not None:
            message = _("API 密钥不能放在网址中，请使用请求头 “Authorization: Api-Key <密钥>”。")
            return refusal(request, 400, "key_in_url", message, found)
        return self.get_response(request)
