from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchStatsConfig(AppConfig):
    name = "searchstats"
    verbose_name = _("搜索统计")
