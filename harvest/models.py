"""Harvesting: the portals the catalog keeps in step with, each run of one, and what it did per record.

A HarvestSource is a remote catalog (CKAN, data.json, DCAT-AP, data.gov.tw); a HarvestJob is one
run of it; a HarvestRecord is the report line of one remote record in a run; a HarvestedDataset
ties a catalog dataset to the source and remote record it came from ("one number, one source").
Rules live in harvest/services; these models only describe what is stored.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datasets.models import Dataset, Licence, OpenGrade
from organizations.models import Organization


class SourceKind(models.TextChoices):
    CKAN = "ckan", _("CKAN Action API")
    DATA_JSON = "data-json", _("DCAT-US data.json")
    DCAT_RDF = "dcat-rdf", _("DCAT-AP RDF")
    DATA_GOV_TW = "data-gov-tw", _("data.gov.tw JSON")


class Schedule(models.TextChoices):
    MANUAL = "manual", _("手动")
    HOURLY = "hourly", _("每小时")
    DAILY = "daily", _("每天")
    WEEKLY = "weekly", _("每周")
    CRON = "cron", _("Cron 表达式")


class DisappearedPolicy(models.TextChoices):
    """What becomes of a harvested dataset its source no longer lists."""

    ARCHIVE = "archive", _("超过天数未见则归档")
    DELETE = "delete", _("删除")
    KEEP = "keep", _("保留")


class HarvestSource(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    # None: each record's publisher is matched to an organization by name (created when missing).
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="harvest_sources",
        verbose_name=_("目标组织"),
    )
    kind = models.CharField(_("来源类型"), max_length=20, choices=SourceKind.choices)
    url = models.URLField(_("来源网址"), max_length=2000)
    # Type-specific settings (a CKAN source's organization or tag filter...), checked by the source type.
    config = models.JSONField(_("类型设置"), default=dict, blank=True)
    schedule = models.CharField(_("计划"), max_length=10, choices=Schedule.choices, default=Schedule.MANUAL)
    cron = models.CharField(_("Cron 表达式"), max_length=100, blank=True)
    default_open_grade = models.CharField(
        _("默认开放等级"), max_length=20, choices=OpenGrade.choices, default=OpenGrade.OPEN)
    default_licence = models.ForeignKey(
        Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("默认许可协议"))
    publish = models.BooleanField(_("直接发布"), default=True)
    disappeared_policy = models.CharField(
        _("来源删除记录时"), max_length=10, choices=DisappearedPolicy.choices, default=DisappearedPolicy.ARCHIVE)
    archive_after_days = models.PositiveIntegerField(_("归档前等待天数"), default=30)
    active = models.BooleanField(_("启用"), default=True)
    next_run_at = models.DateTimeField(_("下次运行"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("采集来源")
        verbose_name_plural = _("采集来源")

    def __str__(self):
        return self.name


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    FINISHED = "finished", _("已完成")
    FINISHED_WITH_ERRORS = "finished_with_errors", _("已完成（有错误）")
    FAILED = "failed", _("失败")
    ABORTED = "aborted", _("已中止")


class HarvestJob(models.Model):
    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(_("状态"), max_length=25, choices=JobStatus.choices, default=JobStatus.QUEUED,
                              db_index=True)
    dry_run = models.BooleanField(_("试运行"), default=False)
    # Incremental: only records modified since this time are asked for (None: a full run).
    since = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # Why the whole job failed (the source did not answer, answered HTML...).
    reason = models.TextField(blank=True)
    abort_requested = models.BooleanField(default=False)
    read = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    archived_count = models.PositiveIntegerField(default=0)
    deleted_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # Records of the source already applied by committed batches: a resumed run skips them.
    committed_records = models.PositiveIntegerField(default=0)
    # {"mapped": {field: n}, "kept_as_text": {field: n}, "dropped": {field: n}}
    mapping = models.JSONField(default=dict, blank=True)
    # A dry run's first records and what would happen to them.
    preview = models.JSONField(default=list, blank=True)
    # core.jobs: a worker that dies stops beating; the repair resumes the job.
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    interrupted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("采集任务")
        verbose_name_plural = _("采集任务")

    def __str__(self):
        return f"{self.source} #{self.pk}"


class RecordOutcome(models.TextChoices):
    CREATED = "created", _("新建")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("未变")
    ARCHIVED = "archived", _("归档")
    DELETED = "deleted", _("删除")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("跳过")
    CONFLICT = "conflict", _("冲突")


class HarvestRecord(models.Model):
    """One remote record in a job's report (unchanged records are counted, not listed)."""

    job = models.ForeignKey(HarvestJob, on_delete=models.CASCADE, related_name="records")
    remote_id = models.CharField(max_length=500)
    title = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=20, choices=RecordOutcome.choices, db_index=True)
    field = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    notes = models.JSONField(default=list, blank=True)
    original_url = models.URLField(max_length=2000, blank=True)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]


class HarvestedDataset(models.Model):
    """Where a dataset was harvested from; the source owns `owned_fields`, the publisher the rest."""

    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="harvested")
    source = models.ForeignKey(HarvestSource, on_delete=models.PROTECT, related_name="datasets")
    remote_id = models.CharField(max_length=500)
    original_url = models.URLField(max_length=2000, blank=True)
    content_hash = models.CharField(max_length=64)
    owned_fields = models.JSONField(default=list, blank=True)
    # The url resources the source gave (their ids): a re-harvest updates or removes only these.
    owned_resources = models.JSONField(default=list, blank=True)
    first_harvested = models.DateTimeField(auto_now_add=True)
    last_harvested = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    # Set when the source's policy archived it as gone upstream: listed again, it is restored.
    gone_since = models.DateTimeField(null=True, blank=True)
    last_job = models.ForeignKey(HarvestJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "remote_id"], name="unique_harvested_remote_id")]
