from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "datasets"
    verbose_name = _("数据目录")

    def ready(self):
        from organizations import signals as organization_signals

        from . import organization_history

        organization_signals.organization_saved.connect(
            organization_history.record_organization_saved, dispatch_uid="datasets-organization-saved")
        organization_signals.membership_changed.connect(
            organization_history.record_membership_changed, dispatch_uid="datasets-membership-changed")
