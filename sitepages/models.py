"""The portal's own pages (about, contact, terms, privacy, accessibility), written by staff in the admin."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.localization import localized


class SitePage(models.Model):
    class Slug(models.TextChoices):
        """The pages the footer links to. A fixed set, so a page address never takes a path another
        route (or an unmatched /api path, which must stay a JSON 404) would answer."""

        ABOUT = "about", _("关于本站")
        CONTACT = "contact", _("联系我们")
        TERMS = "terms", _("使用条款")
        PRIVACY = "privacy", _("隐私政策")
        ACCESSIBILITY = "accessibility", _("无障碍说明")

    slug = models.SlugField(_("标识"), max_length=50, unique=True, choices=Slug.choices,
                            help_text=_("页面地址，如 about 即 /about/。"))
    title_zh = models.CharField(_("中文标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    body_zh = models.TextField(_("中文正文"), help_text=_("Markdown 格式。"))
    body_en = models.TextField(_("英文正文"), blank=True, help_text=_("Markdown 格式；留空时英文页面显示中文正文。"))
    modified = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("站点页面")
        verbose_name_plural = _("站点页面")

    def __str__(self):
        return self.title_zh

    @property
    def title(self):
        return localized(self, "title")

    @property
    def body(self):
        return localized(self, "body")
