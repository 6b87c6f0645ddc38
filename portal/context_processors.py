"""Values every page template needs: the platform's name and whether to offer publishing."""
from django.utils.translation import gettext_lazy as _

from organizations.roles import published_organizations

PORTAL_NAME = _("城市公共数据开放平台")
PLATFORM_NAME = _("城市大数据平台")


def portal(request):
    user = getattr(request, "user", None)
    # Anonymous visitors cost no query; members are asked once per page.
    can_publish = bool(user and user.is_authenticated and published_organizations(user).exists())
    return {"portal_name": PORTAL_NAME, "platform_name": PLATFORM_NAME, "user_can_publish": can_publish}
