from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("数据使用申请与审计")

    def ready(self):
        from datasets import download_refusals, grading

        from .selectors import has_active_grant, upcoming_grant_start

        # Conditional data reaches an enterprise's key through a grant: grading asks, access answers.
        grading.register_grant_check(has_active_grant)
        # A refusal says when a grant that has not started yet will.
        download_refusals.register_upcoming_grant_start(upcoming_grant_start)
