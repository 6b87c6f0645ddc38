"""Who the portal is, in one place: its name, its platform's, and who runs it (pages, the admin, exchange formats)."""
from django.utils.translation import gettext_lazy as _

PORTAL_NAME = _("城市公共数据开放平台")
PLATFORM_NAME = _("城市大数据平台")
OPERATOR_NAME = _("城市大数据中心")
