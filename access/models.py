"""Access to conditional data: applications, the grants they lead to and usage reports.

The rules (who may apply, approve, revoke; what a valid application is) live
in access.services; models only describe what is stored.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datasets.models import Dataset, Resource
from organizations.models import Organization


class AccessApplication(models.Model):
    """An enterprise's request to use one conditional dataset's data for a period."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤回")
        EXPIRED = "expired", _("已过期")

    enterprise = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="access_applications", verbose_name=_("申请企业")
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="access_applications", verbose_name=_("数据集")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="access_applications",
        verbose_name=_("申请人"),
    )
    purpose = models.TextField(_("申请目的"))
    intended_use = models.TextField(_("使用方式"))
    resources = models.ManyToManyField(Resource, blank=True, related_name="+", verbose_name=_("所需资源"))
    data_fields = models.TextField(_("所需数据项"), blank=True)
    period_start = models.DateField(_("使用期限起"))
    period_end = models.DateField(_("使用期限止"))
    terms_accepted = models.BooleanField(_("已接受使用条款"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # A renewal names the grant it continues; its usage report must exist first.
    renewal_of = models.ForeignKey(
        "Grant", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals",
        verbose_name=_("续期自"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("审核人"),
    )
    decision_reason = models.TextField(_("驳回理由"), blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    modified = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            # At most one open application per enterprise and dataset, even under concurrent requests.
            models.UniqueConstraint(
                fields=["enterprise", "dataset"], condition=models.Q(status="submitted"),
                name="one_open_access_application",
            ),
        ]
        verbose_name = _("数据使用申请")
        verbose_name_plural = _("数据使用申请")

    def __str__(self):
        return f"{self.enterprise} → {self.dataset} ({self.get_status_display()})"


class Grant(models.Model):
    """Approval of an application: the enterprise's keys with data:read get the dataset's data until expiry."""

    class State(models.TextChoices):
        PENDING = "pending", _("未生效")
        ACTIVE = "active", _("生效中")
        EXPIRED = "expired", _("已到期")
        REVOKED = "revoked", _("已撤销")

    application = models.OneToOneField(
        AccessApplication, on_delete=models.CASCADE, related_name="grant", verbose_name=_("申请")
    )
    enterprise = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="access_grants", verbose_name=_("企业")
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="access_grants", verbose_name=_("数据集")
    )
    terms = models.TextField(_("使用条款"))
    starts_at = models.DateTimeField(_("生效时间"))
    expires_at = models.DateTimeField(_("到期时间"), db_index=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("批准人")
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("撤销人"),
    )
    revocation_reason = models.TextField(_("撤销理由"), blank=True)
    # Set once by the periodic task, so its e-mails and audit entries are sent once.
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(_("过期处理时间"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["enterprise", "dataset"], name="access_grant_ent_ds")]
        verbose_name = _("数据使用授权")
        verbose_name_plural = _("数据使用授权")

    def __str__(self):
        return f"{self.enterprise} → {self.dataset}"

    @property
    def state(self):
        """A Grant.State: whether the grant opens the data right now (access.selectors.active_grants agrees)."""
        if self.revoked_at:
            return self.State.REVOKED
        now = timezone.now()
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.ACTIVE if self.starts_at <= now else self.State.PENDING

    @property
    def state_label(self):
        return self.State(self.state).label


class UsageReport(models.Model):
    """What an enterprise built with granted data; public ones are shown on the dataset page."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="usage_reports", verbose_name=_("授权"))
    enterprise = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="usage_reports", verbose_name=_("企业")
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="usage_reports", verbose_name=_("数据集")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("填报人")
    )
    title = models.CharField(_("成果名称"), max_length=200)
    description = models.TextField(_("成果说明"))
    url = models.URLField(_("成果链接"), max_length=1000, blank=True)
    is_public = models.BooleanField(_("公开展示"), default=True)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("使用成果报告")
        verbose_name_plural = _("使用成果报告")

    def __str__(self):
        return self.title
