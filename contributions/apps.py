from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("企业数据贡献")

    def ready(self):
        from core import jobs

        from .repair import repair_stalled_validations

        jobs.register_repair(repair_stalled_validations)
