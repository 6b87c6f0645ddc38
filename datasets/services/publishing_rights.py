"""Publishing rights: a write to a dataset is refused unless its organization's role rule allows it."""
from django.utils.translation import gettext as _

from organizations.refusals import not_a_publisher
from organizations.roles import is_publisher


def ensure_can_publish(user, organization):
    if not is_publisher(user, organization):
        raise not_a_publisher(_("只有该组织的发布者可以修改其数据集。"))
