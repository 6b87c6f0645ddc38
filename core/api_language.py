"""The language of an API answer: `?lang=zh|en` first, then Accept-Language, else Chinese.

Pages take their language from the path (/en/...), so LocaleMiddleware gives every
unprefixed path, the API's included, LANGUAGE_CODE; here the API chooses again:
`lang`, else the first language of Accept-Language the portal speaks (no session
cookie: an API client says what it wants in each request), else Chinese. A language
the portal does not speak is not an error. `lang` is an enum like every other API
parameter: a value the API does not know, an empty one or a repeated one is a 400
naming `lang` (documented in the OpenAPI schema by core.schema). LocaleMiddleware
then answers with `Content-Language` and `Vary: Accept-Language`.
"""
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from .http_errors import refusal
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


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        values = request.GET.getlist(LANGUAGE_PARAMETER)
        if not values:
            translation.activate(accepted_language(request.META.get("HTTP_ACCEPT_LANGUAGE")))
            request.LANGUAGE_CODE = translation.get_language()
            return self.get_response(request)
        if len(values) > 1:
            return refusal(request, 400, "invalid", _("该参数只能给出一次。"), LANGUAGE_PARAMETER)
        if values[0] not in API_LANGUAGES:
            message = _("无效的取值：%(value)s。可选：%(choices)s。") % {
                "value": values[0], "choices": ", ".join(API_LANGUAGES)}
            return refusal(request, 400, "invalid", message, LANGUAGE_PARAMETER)
        translation.activate(API_LANGUAGES[values[0]])
        request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
