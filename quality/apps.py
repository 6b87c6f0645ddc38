from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("数据质量")

    def ready(self):
        from datasets.timeliness import register_timeliness

        from .serializers import describe_timeliness

        register_timeliness(describe_timeliness)
