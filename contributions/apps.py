from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("企业数据贡献")

    def ready(self):
        from core import jobs
        from datasets.provenance import register_provenance

        from . import dispatch, signals
        from .repair import repair_stalled_validations
        from .serializers import describe_provenance

        jobs.register_repair(repair_stalled_validations)
        register_provenance(describe_provenance)
        signals.validation_requested.connect(dispatch.enqueue_validation_on_commit,
                                             dispatch_uid="contributions-validation-requested")
