"""The 403s for a missing role, each saying who can grant it (shown on the 403 page)."""
from django.utils.translation import gettext as _

from core.exceptions import Forbidden


def not_a_publisher(message):
    return Forbidden(message, hint=_("发布者角色由本单位的组织管理员或平台管理员授予；如需发布数据，请联系他们。"))


def not_a_reviewer(message):
    return Forbidden(message, hint=_("审核者由数据提供部门的组织管理员指定；如您应负责审核，请联系本部门的管理员。"))


def not_platform_staff(message):
    return Forbidden(message, hint=_("此功能仅供平台管理员使用。"))
