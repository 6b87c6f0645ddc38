"""The evaluation's monthly snapshots: what the dashboard, its exports and its API read.

The figures are computed by evaluation.services and never per request; a month
that has ended keeps the snapshot it had (see services.take_snapshot).
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class EvaluationSnapshot(models.Model):
    """One month's figures for the platform (organization empty) or for one organization.

    `figures` holds, per audience ("public", "staff"), the indicator values, their
    scores, the layer scores, the composite score and the rank; the platform's
    also holds the ranking (see evaluation.scoring).
    """

    month = models.DateField(_("月份"), help_text=_("该月第一天。"))
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluation_snapshots",
        verbose_name=_("组织"),
    )
    figures = models.JSONField(_("评估数据"), default=dict)
    taken = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["-month", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "organization"], name="one_evaluation_per_month_organization"),
            models.UniqueConstraint(fields=["month"], condition=Q(organization__isnull=True),
                                    name="one_platform_evaluation_per_month"),
        ]
        verbose_name = _("评估快照")
        verbose_name_plural = _("评估快照")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.organization or 'platform'}"
