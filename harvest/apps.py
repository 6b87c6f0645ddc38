from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HarvestConfig(AppConfig):
    name = "harvest"
    verbose_name = _("数据采集")

    def ready(self):
        from core import jobs
        from datasets.field_owners import register_field_owner
        from datasets.provenance import register_provenance

        from . import dispatch, signals
        from .provenance import describe_owned_fields, describe_provenance
        from .repair import repair_stalled_harvests

        jobs.register_repair(repair_stalled_harvests)
        register_provenance(describe_provenance)
        register_field_owner(describe_owned_fields)
        signals.run_requested.connect(dispatch.enqueue_run_on_commit, dispatch_uid="harvest-run-requested")
