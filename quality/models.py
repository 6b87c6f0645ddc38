"""What the platform knows about the quality of its data: file reports, link checks, digests sent.

The rules that fill these rows live in quality.services; a dataset's metadata score is kept
on the dataset itself (Dataset.metadata_score) so lists and search sort by it without a join.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from datasets.models import Resource, ResourceVersion
from organizations.models import Organization


class QualityReport(models.Model):
    """The data quality of one stored file version, made by a task once the version is stored.

    A job in core.jobs' sense (heartbeat, attempts), so a killed worker's report is run again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("等待检查")
        RUNNING = "running", _("检查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("检查失败")

    version = models.OneToOneField(ResourceVersion, on_delete=models.CASCADE, related_name="quality_report")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # quality.validation's report: header, rows, schema used, errors by kind with examples.
    report = models.JSONField(default=dict, blank=True)
    # {column: {kind: count}} from quality.pii; empty when no personal data was found.
    personal_data = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveBigIntegerField(null=True, blank=True)
    error_count = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    interrupted = models.BooleanField(default=False)  # its worker stopped; requeued by the repair (core.jobs)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("质量报告")
        verbose_name_plural = _("质量报告")

    def __str__(self):
        return f"{self.version}: {self.status}"


class LinkCheck(models.Model):
    """The last check of a link resource's URL: did it answer, and with what."""

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="link_check")
    # The link as it was checked: once the resource points elsewhere, this check says nothing of it.
    url = models.URLField(max_length=2000, blank=True)
    checked = models.DateTimeField(_("检查时间"))
    is_broken = models.BooleanField(_("链接失效"), default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    # The format read from the answer's first bytes or media type, to compare with the declared one.
    detected_format = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = _("链接检查")
        verbose_name_plural = _("链接检查")

    def __str__(self):
        return f"{self.resource}: {'broken' if self.is_broken else 'ok'}"


class TimelinessDigest(models.Model):
    """One overdue / due-soon digest mailed to an organization's publishers on one day: sent once."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="timeliness_digests")
    day = models.DateField()
    overdue = models.PositiveIntegerField(default=0)
    due_soon = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "day"], name="one_digest_per_organization_day")]
        verbose_name = _("更新提醒")
        verbose_name_plural = _("更新提醒")
