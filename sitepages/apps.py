from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitepagesConfig(AppConfig):
    name = "sitepages"
    verbose_name = _("站点页面")
