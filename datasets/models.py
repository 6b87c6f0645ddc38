"""The government catalog: themes, licences, datasets, resources, history.

Business rules (who may publish, what a valid dataset is) live in services.py;
who may see what lives in grading.py. Models only describe what is stored.
"""
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.localization import localized
from organizations.models import Organization


class Theme(models.Model):
    """A two-level controlled vocabulary: top-level themes and their sub-themes."""

    code = models.SlugField(_("代码"), max_length=80, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100)
    description_zh = models.TextField(_("中文描述"), blank=True)
    description_en = models.TextField(_("英文描述"), blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")


# Licence codes carry versions with dots (cc-by-4.0): a slug plus ".", and the schema says so.
LICENCE_CODE_PATTERN = r"^[-a-zA-Z0-9_.]+\Z"


class Licence(models.Model):
    code = models.CharField(_("代码"), max_length=80, unique=True, validators=[
        RegexValidator(LICENCE_CODE_PATTERN, _("只能包含字母、数字、点、连字符和下划线。"))])
    title_zh = models.CharField(_("中文名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=200)
    url = models.URLField(_("网址"), blank=True)
    is_open = models.BooleanField(_("开放许可"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("许可协议")
        verbose_name_plural = _("许可协议")

    def __str__(self):
        return self.title

    @property
    def title(self):
        return localized(self, "title")


class OpenGrade(models.TextChoices):
    """The classification and grading scheme; enforced by datasets.grading."""

    OPEN = "open", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    RESTRICTED = "restricted", _("不予开放")


class UpdateFrequency(models.TextChoices):
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    SEMIANNUAL = "semiannual", _("每半年")
    ANNUAL = "annual", _("每年")
    IRREGULAR = "irregular", _("不定期")
    NEVER = "never", _("不再更新")


class Dataset(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        ARCHIVED = "archived", _("已归档")

    # "One number, one source": the identifier is unique platform-wide and never changes.
    identifier = models.CharField(_("标识符"), max_length=200, unique=True)
    # What exchange formats name the dataset by (CKAN's `id` and `name`): stable, set at creation.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("英文短名"), max_length=100, unique=True, editable=False)
    # The Chinese text is in the plain fields; the English one is optional (core.localization).
    title = models.CharField(_("标题"), max_length=300)
    title_en = models.CharField(_("英文标题"), max_length=300, blank=True)
    description = models.TextField(_("描述"), blank=True)
    description_en = models.TextField(_("英文描述"), blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("组织")
    )
    themes = models.ManyToManyField(Theme, related_name="datasets", verbose_name=_("主题"))
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    keywords_en = models.JSONField(_("英文关键词"), default=list, blank=True)
    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="datasets", null=True, blank=True,
        verbose_name=_("许可协议"),
    )
    open_grade = models.CharField(
        _("开放等级"), max_length=20, choices=OpenGrade.choices, default=OpenGrade.OPEN, db_index=True
    )
    update_frequency = models.CharField(
        _("更新频率"), max_length=20, choices=UpdateFrequency.choices, default=UpdateFrequency.IRREGULAR
    )
    next_update_due = models.DateField(_("下次更新日期"), null=True, blank=True)
    temporal_start = models.DateField(_("时间范围起"), null=True, blank=True)
    temporal_end = models.DateField(_("时间范围止"), null=True, blank=True)
    spatial_region = models.CharField(_("空间范围"), max_length=200, blank=True)
    # [min_lon, min_lat, max_lon, max_lat] in WGS 84.
    spatial_bbox = models.JSONField(_("边界框"), null=True, blank=True)
    spatial_geojson = models.JSONField(_("GeoJSON 范围"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=200, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    source_url = models.URLField(_("来源网址"), max_length=1000, blank=True)
    # What the source catalog says, kept as it said it (a harvest would otherwise show its own times).
    issued = models.DateTimeField(_("来源发布时间"), null=True, blank=True)
    source_modified = models.DateTimeField(_("来源修改时间"), null=True, blank=True)
    licence_text = models.CharField(_("许可说明"), max_length=300, blank=True)
    download_count = models.PositiveBigIntegerField(_("下载次数"), default=0)
    # 0-100 from quality.metadata_score, kept here so lists and both search backends sort and filter by it.
    metadata_score = models.PositiveSmallIntegerField(_("元数据质量分"), null=True, blank=True, db_index=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    modified = models.DateTimeField(_("修改时间"), auto_now=True, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-modified"]
        verbose_name = _("数据集")
        verbose_name_plural = _("数据集")

    def __str__(self):
        return self.title

    @property
    def catalog_issued(self):
        """When the dataset was first issued: as its source says, else when it was published here."""
        return self.issued or self.published_at

    @property
    def catalog_modified(self):
        """When the dataset last changed: as its source says, else when it was last saved here."""
        return self.source_modified or self.modified


def resource_upload_to(instance, filename):
    return f"resources/{instance.resource.uid}/v{instance.number}/{filename}"


class Resource(models.Model):
    """A distribution of a dataset: an uploaded file (versioned) or an external URL."""

    class Kind(models.TextChoices):
        FILE = "file", _("文件")
        URL = "url", _("外部链接")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.FILE)
    name = models.CharField(_("名称"), max_length=300)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    description = models.TextField(_("描述"), blank=True)
    description_en = models.TextField(_("英文描述"), blank=True)
    url = models.URLField(_("外部链接"), max_length=2000, blank=True)
    # The current version's file facts, copied from ResourceVersion for listing and search.
    format = models.CharField(_("格式"), max_length=30, blank=True, db_index=True)
    media_type = models.CharField(_("媒体类型"), max_length=150, blank=True)
    size = models.PositiveBigIntegerField(_("大小"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    table_schema = models.JSONField(_("表结构"), null=True, blank=True)
    current_version = models.ForeignKey(
        "ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    download_count = models.PositiveBigIntegerField(_("下载次数"), default=0)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("资源")
        verbose_name_plural = _("资源")

    def __str__(self):
        return self.name


class ResourceVersion(models.Model):
    """One uploaded file of a resource; every replacement adds a version, none is removed."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=resource_upload_to, max_length=500)
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=30)
    media_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Set by the quality report's personal-data scan; datasets.grading holds such a file back.
    personal_data_found = models.BooleanField(_("含个人信息"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="unique_resource_version")
        ]

    def __str__(self):
        return f"{self.resource} v{self.number}"


class Activity(models.Model):
    """Who changed what and when, on an organization, dataset or resource.

    Rows outlive what they describe (the foreign keys are nulled on delete) and
    keep a text label of it, so a deleted dataset's history still reads.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("创建")
        UPDATED = "updated", _("修改")
        PUBLISHED = "published", _("发布")
        ARCHIVED = "archived", _("归档")
        DELETED = "deleted", _("删除")
        NEW_VERSION = "new_version", _("新版本")

    class ObjectType(models.TextChoices):
        ORGANIZATION = "organization", _("组织")
        DATASET = "dataset", _("数据集")
        RESOURCE = "resource", _("资源")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    object_label = models.CharField(max_length=300)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    dataset = models.ForeignKey(
        Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    # {field: [old, new]} for updates.
    changes = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")

    def __str__(self):
        return f"{self.action} {self.object_type} {self.object_label}"
