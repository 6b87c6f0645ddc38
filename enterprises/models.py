"""An enterprise is an Organization of kind enterprise plus this verified profile."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class EnterpriseProfile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        VERIFIED = "verified", _("已认证")
        REJECTED = "rejected", _("已驳回")

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="enterprise_profile"
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100)
    contact_name = models.CharField(_("联系人"), max_length=100)
    contact_email = models.EmailField(_("联系邮箱"))
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    business_licence = models.FileField(_("营业执照"), upload_to="enterprise-licences/", blank=True)
    status = models.CharField(
        _("认证状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("企业认证")
        verbose_name_plural = _("企业认证")

    def __str__(self):
        return f"{self.organization} ({self.get_status_display()})"

    @property
    def is_verified(self):
        return self.status == self.Status.VERIFIED
