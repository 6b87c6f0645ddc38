"""API keys, the plans that limit them, and their metered usage.

A key's secret is shown once; only a salted hash and a visible prefix are
stored (see apikeys.secrets). Keys belong to a verified enterprise (acting for
it) or, at a lower tier, to an individual user.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import localized
from organizations.models import Organization


class Scope(models.TextChoices):
    CATALOG_READ = "catalog:read", _("读取目录")
    DATA_READ = "data:read", _("读取已授权的有条件开放数据")
    CONTRIBUTIONS_WRITE = "contributions:write", _("提交数据贡献")


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    GRACE = "grace", _("轮换宽限期")
    ROTATED = "rotated", _("已轮换")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已吊销")


class Plan(models.Model):
    """Limits an admin configures (free, standard, premium...)."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    burst_per_second = models.PositiveIntegerField(_("每秒突发上限"))
    requests_per_minute = models.PositiveIntegerField(_("每分钟请求上限"))
    daily_quota = models.PositiveIntegerField(_("每日配额"))
    is_default_for_enterprises = models.BooleanField(default=False)
    is_default_for_individuals = models.BooleanField(default=False)

    class Meta:
        ordering = ["requests_per_minute"]
        verbose_name = _("套餐")
        verbose_name_plural = _("套餐")

    def __str__(self):
        return localized(self, "name")


class ApiKey(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    # Visible, non-secret part shown in lists and logs ("pk_live_ab12cd34").
    prefix = models.CharField(max_length=32, unique=True)
    salt = models.CharField(max_length=64)
    secret_hash = models.CharField(max_length=128)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys",
        help_text=_("持有该密钥的企业；个人密钥为空。"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys",
        help_text=_("签发密钥的用户；企业密钥代表企业行事。"),
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="keys")
    scopes = models.JSONField(_("权限范围"), default=list)
    allowed_networks = models.JSONField(_("允许的 IP 段"), default=list, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    # After a rotation the old key keeps working until this moment.
    grace_until = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def has_scope(self, scope):
        return scope in self.scopes

    @property
    def scope_labels(self):
        """The key's scopes by their names in the page's language (an unknown stored value as it is)."""
        labels = dict(Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes]

    @property
    def status(self):
        """One of KeyStatus: why the key works or does not, right now."""
        now = timezone.now()
        if self.revoked_at and self.revoked_at <= now:
            return KeyStatus.REVOKED
        if self.grace_until and self.grace_until <= now:
            return KeyStatus.ROTATED
        if self.expires_at and self.expires_at <= now:
            return KeyStatus.EXPIRED
        return KeyStatus.GRACE if self.grace_until else KeyStatus.ACTIVE

    @property
    def status_label(self):
        return KeyStatus(self.status).label

    @property
    def is_active(self):
        return self.status in (KeyStatus.ACTIVE, KeyStatus.GRACE)


class UsageDaily(models.Model):
    """Metered calls of one key, summed per day, endpoint, status and dataset.

    Filled only by apikeys.metering.flush_usage from the Redis buffer, never
    during a request. `endpoint` is the route's name (bounded cardinality), not
    the raw path; `dataset` is blank unless the call succeeded on a dataset.
    """

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField(_("日期"))
    endpoint = models.CharField(_("接口"), max_length=100)
    status = models.PositiveSmallIntegerField(_("状态码"))
    dataset = models.CharField(_("数据集"), max_length=200, blank=True, default="")
    calls = models.PositiveBigIntegerField(_("调用次数"), default=0)
    bytes = models.PositiveBigIntegerField(_("字节数"), default=0)
    latency_ms_total = models.PositiveBigIntegerField(_("总耗时（毫秒）"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "day", "endpoint", "status", "dataset"], name="unique_usage_row")
        ]
        indexes = [models.Index(fields=["day"])]
        verbose_name = _("接口用量")
        verbose_name_plural = _("接口用量")


class FlushedBatch(models.Model):
    """Ids of usage batches already summed into UsageDaily, so a retried flush never counts twice."""

    batch = models.CharField(max_length=64, unique=True)
    records = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
