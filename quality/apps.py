from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("数据质量")

    def ready(self):
        # --- metadata scores: recomputed on every dataset_changed (quality.score_hooks) ---
        from . import score_hooks

        score_hooks.connect()
