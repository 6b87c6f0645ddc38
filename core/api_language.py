"""The language of an API answer: `?lang=zh|en` first, then Accept-Language, else Chinese.

LocaleMiddleware has already chosen a language from Accept-Language (one the
portal does not speak gives Chinese, LANGUAGE_CODE) and answers with
`Content-Language` and `Vary: Accept-Language`; `lang` overrides that choice
for one request. `lang` is an enum like every other API parameter: a value the
API does not know, an empty one or a repeated one is a 400 naming `lang`
(documented in the OpenAPI schema by core.schema), never a silent fallback.
"""
from django.utils import translation
from django.utils.translation import gettext as _

from .http_errors import refusal
from .localization import API_LANGUAGES

LANGUAGE_PARAMETER = "lang"


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = request.GET.getlist(LANGUAGE_PARAMETER) if request.path.startswith("/api/") else []
        if not values:
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
