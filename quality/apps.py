from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("数据质量")

    def ready(self):
        from core import jobs
        from datasets.signals import resource_version_created
        from datasets.timeliness import register_timeliness

        from . import dispatch, repair, score_hooks
        from .serializers import describe_timeliness

        resource_version_created.connect(dispatch.queue_report, dispatch_uid="quality.queue_report")
        jobs.register_repair(repair.repair_stalled_reports)
        # Metadata scores are recomputed on every dataset_changed.
        score_hooks.connect()
        register_timeliness(describe_timeliness)
