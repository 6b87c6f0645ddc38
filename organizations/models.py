"""Organizations (government departments and enterprises) and who holds which role in them.

Role predicates live in roles.py; adding and removing members in services.py.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.localization import localized


class Organization(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("政府部门")
        ENTERPRISE = "enterprise", _("企业")

    slug = models.SlugField(_("标识"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    name_zh = models.CharField(_("中文名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    description_en = models.TextField(_("英文简介"), blank=True)
    logo = models.FileField(_("标志"), upload_to="logos/", blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    website = models.URLField(_("网站"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )

    class Meta:
        # The tables keep the names they had when these models lived in datasets.
        db_table = "datasets_organization"
        ordering = ["slug"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")


class Membership(models.Model):
    """A user's role in one organization; a user may hold several roles."""

    class Role(models.TextChoices):
        PUBLISHER = "publisher", _("发布者")
        REVIEWER = "reviewer", _("审核者")
        ADMIN = "admin", _("管理员")
        # An enterprise's staff who act for it (API keys, applications, contributions).
        MEMBER = "member", _("企业成员")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "datasets_membership"
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership_role")
        ]
        verbose_name = _("成员")
        verbose_name_plural = _("成员")

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.role})"
