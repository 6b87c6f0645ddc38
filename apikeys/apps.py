from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiKeysConfig(AppConfig):
    name = "apikeys"
    verbose_name = _("API 密钥")

    def ready(self):
        from . import schema  # noqa: F401  registers the OpenAPI security scheme
