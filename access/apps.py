from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("数据使用申请与审计")

    def ready(self):
        from apikeys.signals import key_changed
        from datasets import grading

        from .audit import record_key_event
        from .selectors import has_active_grant

        key_changed.connect(record_key_event, dispatch_uid="access-audit-key-events")
        # Conditional data reaches an enterprise's key through a grant: grading asks, access answers.
        grading.register_grant_check(has_active_grant)
