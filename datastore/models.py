"""What the datastore knows about each loaded table; the rows themselves live in ds_<resource>_<version>."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import jobs
from datasets.models import Resource, ResourceVersion


class DatastoreTable(models.Model):
    """One resource version loaded (or being loaded) into a table of its own.

    At most one table per resource is active: the one the data API serves.
    A new version loads beside it and takes over only once complete.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("等待加载")
        LOADING = "loading", _("加载中")
        READY = "ready", _("已就绪")
        FAILED = "failed", _("加载失败")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="datastore_tables")
    version = models.OneToOneField(ResourceVersion, on_delete=models.CASCADE, related_name="datastore_table")
    table_name = models.CharField(max_length=63, unique=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    is_active = models.BooleanField(_("正在服务"), default=False)
    source_format = models.CharField(max_length=30, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    # [{"name": shown name, "type": datastore.types name, "column": physical column c1..cN}]
    columns = models.JSONField(default=list, blank=True)
    # Names of the indexed columns, "-<name>" for a descending index (datastore.indexing).
    indexed = models.JSONField(default=list, blank=True)
    row_count = models.PositiveBigIntegerField(null=True, blank=True)
    rows_loaded = models.PositiveBigIntegerField(default=0)
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # The load as a job (core/jobs.py): refreshed while it runs, deliveries so far, killed and requeued.
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    interrupted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version__number"]
        constraints = [
            models.UniqueConstraint(fields=["resource"], condition=Q(is_active=True), name="one_active_table_per_resource")
        ]
        verbose_name = _("数据表")
        verbose_name_plural = _("数据表")

    def __str__(self):
        return self.table_name

    @property
    def is_interrupted(self):
        """Still to finish, but its worker stopped: requeued by the repair, or about to be."""
        return self.status in (self.Status.PENDING, self.Status.LOADING) and (
            self.interrupted or jobs.is_stalled(self.heartbeat))

    def column(self, name):
        """The stored description of a column by its shown name, or None."""
        return next((column for column in self.columns if column["name"] == name), None)

    def is_indexed(self, name):
        return name in self.indexed or f"-{name}" in self.indexed


class ColumnUse(models.Model):
    """How often, on one day, the rows API was asked to filter or sort a resource's table by a column.

    Nothing about the caller is kept. The most used columns get an index (datastore.indexing):
    a filter and an ascending sort share one, a descending sort has its own.
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    column_name = models.CharField(max_length=200)  # the shown name, which a new version usually keeps
    descending = models.BooleanField(default=False)
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "column_name", "descending", "day"],
                                               name="one_column_use_per_day")]
        verbose_name = _("列查询次数")
        verbose_name_plural = _("列查询次数")

    def __str__(self):
        return f"{self.resource_id}:{self.column_name}{' desc' if self.descending else ''} {self.day}"


class ExportFile(models.Model):
    """A whole-table export (Parquet, XLSX) written once after its table loaded, served instead of a live stream.

    A loaded table never changes, so the file stays right for as long as the table lives; it goes with it
    (datastore.export_files). Built as a job (core/jobs.py): heartbeat while written, attempts, requeued.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("等待生成")
        BUILDING = "building", _("生成中")
        READY = "ready", _("已就绪")
        FAILED = "failed", _("生成失败")

    table = models.ForeignKey(DatastoreTable, on_delete=models.CASCADE, related_name="export_files")
    format = models.CharField(max_length=10)  # a key of datastore.exports.FORMATS
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.CharField(max_length=500, blank=True)  # its name in the default storage, once ready
    size = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    built = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    interrupted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "format"], name="one_export_file_per_format")]
        verbose_name = _("导出文件")
        verbose_name_plural = _("导出文件")

    def __str__(self):
        return f"{self.table_id}.{self.format}"
