"""Enterprise contributions to the government catalog, their history, discussion and provenance.

The lifecycle (which transition is possible, who may make it) lives in
contributions.services; models only describe what is stored.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import jobs
from datasets.models import Dataset, OpenGrade, Resource
from organizations.models import Organization


class Kind(models.TextChoices):
    NEW_DATASET = "new_dataset", _("新数据集")
    NEW_RESOURCE = "new_resource", _("新资源")
    NEW_VERSION = "new_version", _("资源新版本")
    CORRECTION = "correction", _("元数据更正")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    VALIDATING = "validating", _("校验中")
    AWAITING_REVIEW = "awaiting_review", _("待审核")
    NEEDS_CHANGES = "needs_changes", _("需修改")
    RESUBMITTED = "resubmitted", _("已重新提交")
    APPROVED = "approved", _("已批准")
    MERGED = "merged", _("已合并")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


# Statuses in which a contribution is still open (a duplicate of it is refused).
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.VALIDATING, Status.AWAITING_REVIEW,
                 Status.NEEDS_CHANGES, Status.RESUBMITTED, Status.APPROVED)


class ValidationResult(models.TextChoices):
    PENDING = "pending", _("未校验")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")


def contribution_upload_to(instance, filename):
    return f"contributions/{instance.uid}/{instance.sha256[:16]}/{filename}"


class Contribution(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    enterprise = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="contributions",
                                   verbose_name=_("贡献企业"))
    # The government department whose reviewers decide (the dataset's, or the one picked for a new dataset).
    target_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("目标部门"))
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("目标数据集"))
    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("目标资源"))
    # "dataset:<id>", "resource:<id>" or "new:<org id>:<identifier>": what the duplicate rule compares.
    target_key = models.CharField(max_length=300)
    title = models.CharField(_("标题"), max_length=300)
    # Dataset fields (new dataset, correction) or resource fields (name, description).
    metadata = models.JSONField(_("元数据"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    file = models.FileField(upload_to=contribution_upload_to, max_length=500, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    format = models.CharField(_("格式"), max_length=30, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    validation = models.CharField(_("校验结果"), max_length=20, choices=ValidationResult.choices,
                                  default=ValidationResult.PENDING, db_index=True)
    report = models.JSONField(_("校验报告"), default=dict, blank=True)
    # {column: {kind: count}} of personal data found by the scan.
    pii = models.JSONField(default=dict, blank=True)
    changes_summary = models.JSONField(default=dict, blank=True)
    # Per-field comments of the last "request changes".
    review_comments = models.JSONField(default=dict, blank=True)
    validating_since = models.DateTimeField(null=True, blank=True)
    # The validation as a job (core/jobs.py): runs started since the last submission, heartbeat, requeued.
    validation_attempts = models.PositiveIntegerField(default=0)
    heartbeat = models.DateTimeField(null=True, blank=True)
    interrupted = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("提交人"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("审核人"))
    approved_grade = models.CharField(max_length=20, choices=OpenGrade.choices, blank=True)
    masked_columns = models.JSONField(default=list, blank=True)
    merged_dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    created = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    modified = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            # The same file for the same target, twice at once from one enterprise, even under a race.
            models.UniqueConstraint(
                fields=["enterprise", "target_key", "sha256"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]) & ~models.Q(sha256=""),
                name="one_open_contribution_per_file",
            ),
        ]
        verbose_name = _("数据贡献")
        verbose_name_plural = _("数据贡献")

    def __str__(self):
        return self.title

    @property
    def is_interrupted(self):
        """Being validated, but its worker stopped: requeued by the repair, or about to be."""
        return self.status == Status.VALIDATING and (self.interrupted or jobs.is_stalled(self.heartbeat))


class Transition(models.Model):
    """One step of a contribution's lifecycle: who, when, from what to what, and why."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]


class Comment(models.Model):
    """The discussion between contributor and reviewers; `field` names a metadata field when it is about one."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=150, blank=True)
    field = models.CharField(max_length=100, blank=True)
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]


class Provenance(models.Model):
    """Public record that a merged change to the catalog came from an enterprise's contribution."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="provenance")
    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contribution = models.OneToOneField(Contribution, on_delete=models.CASCADE, related_name="provenance")
    enterprise = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
