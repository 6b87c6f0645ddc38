"""The append-only audit log: one entry per access to conditional data, per decision and per key event.

References are loose (named by string, no database constraint), so the log sits below the apps it
records and an entry still reads after what it names is gone.
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes are refused: audit entries are written once and never changed."""

    def update(self, **kwargs):
        raise PermissionDenied(_("审计日志只能追加，不能修改。"))

    def delete(self):
        raise PermissionDenied(_("审计日志只能追加，不能删除。"))

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionDenied(_("审计日志只能追加，不能修改。"))


def _loose_reference(model, verbose_name):
    """A reference that outlives its target: no database constraint, and deleting the target never touches the entry."""
    return models.ForeignKey(
        model, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=verbose_name,
    )


class AuditEntry(models.Model):
    """One access to conditional data or one decision, written once (see also access migration 0002's trigger).

    Each reference is kept with a text label, so the entry still reads after
    the user, key, organization, dataset or resource is gone.
    """

    class Action(models.TextChoices):
        DATA_DOWNLOAD = "data_download", _("下载有条件开放数据")
        DATA_QUERY = "data_query", _("查询有条件开放数据")
        DATA_REFUSED = "data_refused", _("有条件开放数据访问被拒绝")
        ENTERPRISE_VERIFIED = "enterprise_verified", _("企业认证通过")
        ENTERPRISE_REJECTED = "enterprise_rejected", _("企业认证驳回")
        APPLICATION_SUBMITTED = "application_submitted", _("提交使用申请")
        APPLICATION_WITHDRAWN = "application_withdrawn", _("撤回使用申请")
        APPLICATION_REJECTED = "application_rejected", _("驳回使用申请")
        APPLICATION_EXPIRED = "application_expired", _("使用申请过期")
        GRANT_ISSUED = "grant_issued", _("批准授权")
        GRANT_REVOKED = "grant_revoked", _("撤销授权")
        GRANT_EXPIRED = "grant_expired", _("授权到期")
        USAGE_REPORT_FILED = "usage_report_filed", _("提交使用成果")
        KEY_ISSUED = "key_issued", _("签发 API 密钥")
        KEY_REVOKED = "key_revoked", _("吊销 API 密钥")
        KEY_ROTATED = "key_rotated", _("轮换 API 密钥")
        HARVEST_SOURCE_SAVED = "harvest_source_saved", _("保存采集来源")

    created = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)
    action = models.CharField(_("操作"), max_length=40, choices=Action.choices, db_index=True)
    actor = _loose_reference(settings.AUTH_USER_MODEL, _("操作人"))
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True, db_index=True)
    api_key = _loose_reference("apikeys.ApiKey", _("API 密钥"))
    key_prefix = models.CharField(_("密钥前缀"), max_length=32, blank=True, db_index=True)
    organization = _loose_reference("organizations.Organization", _("组织"))
    organization_label = models.CharField(_("组织"), max_length=200, blank=True)
    dataset = _loose_reference("datasets.Dataset", _("数据集"))
    dataset_identifier = models.CharField(_("数据集"), max_length=200, blank=True, db_index=True)
    resource = _loose_reference("datasets.Resource", _("资源"))
    resource_label = models.CharField(_("资源"), max_length=300, blank=True)
    bytes = models.PositiveBigIntegerField(_("字节数"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when the model lived in access (its trigger is on it).
        db_table = "access_auditentry"
        ordering = ["-created", "-id"]
        default_permissions = ("view",)
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(_("审计日志只能追加，不能修改。"))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("审计日志只能追加，不能删除。"))
