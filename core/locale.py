"""Which language a request is answered in: the URL prefix for pages; for the API, `?lang=zh|en`,
then `Accept-Language`, else Chinese.

Django's LocaleMiddleware gives every path outside i18n_patterns the default
language when the default one has no prefix (pages: `/…` Chinese, `/en/…` English),
so the API, its schema and downloads would never speak English. Under API_PATHS the
language comes from the request instead: `lang` (API only), else the first language of
Accept-Language the portal speaks, else Chinese. No cookie: an API client says what it
wants in each request, and the page scripts send the page's language. A language the
portal does not speak is not an error, but `lang` is an enum like every other API
parameter: a value the API does not know, an empty one or a repeated one is a 400
naming `lang` (documented in the OpenAPI schema by core.schema). LocaleMiddleware
then answers with `Content-Language` and `Vary: Accept-Language`.
"""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from .http_errors import is_api_path, refusal
from .localization import API_LANGUAGES

LANGUAGE_PARAMETER = "lang"


def accepted_language(header):
    """The first language of an Accept-Language header the portal speaks, else LANGUAGE_CODE."""
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if not is_api_path(request):
            return super().process_request(request)
        values = request.GET.getlist(LANGUAGE_PARAMETER) if request.path.startswith("/api/") else []
        translation.activate(accepted_language(request.META.get("HTTP_ACCEPT_LANGUAGE")))
        request.LANGUAGE_CODE = translation.get_language()
        if not values:
            return None
        if len(values) > 1:
            return refusal(request, 400, "invalid", _("该参数只能给出一次。"), LANGUAGE_PARAMETER)
        if values[0] not in API_LANGUAGES:
            message = _("无效的取值：%(value)s。可选：%(choices)s。") % {
                "value": values[0], "choices": ", ".join(API_LANGUAGES)}
            return refusal(request, 400, "invalid", message, LANGUAGE_PARAMETER)
        translation.activate(API_LANGUAGES[values[0]])
        request.LANGUAGE_CODE = translation.get_language()
        return None
