from allauth.account.apps import AccountConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"
    default = True  # the one of this module's configs that "portal" in INSTALLED_APPS means

    def ready(self):
        from django.contrib import admin

        admin.site.site_header = _("城市公共数据开放平台 · 管理后台")
        admin.site.site_title = _("数据开放平台管理后台")
        admin.site.index_title = _("平台管理")


class SignInEmailConfig(AccountConfig):
    """allauth's app, named for what its admin holds (sign-in e-mail addresses), apart from the portal's accounts."""

    default = False
    verbose_name = _("登录邮箱")
