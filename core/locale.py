"""Which language a request is answered in: the URL prefix for pages, `Accept-Language` for the API.

Django's LocaleMiddleware gives every path outside i18n_patterns the default
language when the default one has no prefix (pages: `/…` Chinese, `/en/…` English),
so the API, its schema and downloads would never speak English. Under API_PATHS the
language comes from the request instead (language cookie, then `Accept-Language`,
falling back to Chinese for a language the portal does not speak).
"""
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .http_errors import is_api_path


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if not is_api_path(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
        return None
