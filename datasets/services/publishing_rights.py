"""Publishing rights: a write to a dataset is refused unless its organization's role rule allows it."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.roles import is_publisher


def ensure_can_publish(user, organization):
    if not is_publisher(user, organization):
        raise PermissionDenied(_("只有该组织的发布者可以修改其数据集。"))
