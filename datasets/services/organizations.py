"""Organizations: saving them and adding their members (platform staff and organization admins)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.exceptions import Conflict

from ..grading import is_platform_staff
from ..models import Activity, Membership, Organization
from .announcements import announce_dataset_changed
from .history import record_activity
from .metadata import field_error

ORGANIZATION_FIELDS = ("slug", "kind", "name_zh", "name_en", "description", "contact_email", "contact_phone", "website")


def _ensure_staff(user):
    if not is_platform_staff(user):
        raise PermissionDenied(_("只有平台管理员可以管理组织。"))


@transaction.atomic
def save_organization(*, user, data, organization=None):
    """Create or update an organization (platform staff only), recording the change."""
    _ensure_staff(user)
    unknown = set(data) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValidationError({name: _("未知字段。") for name in sorted(unknown)})
    target = organization or Organization()
    before = {field: getattr(target, field) for field in data}
    for field, value in data.items():
        setattr(target, field, value)
    try:
        target.full_clean()
    except ValidationError as error:
        if "slug" in error.message_dict and Organization.objects.filter(slug=target.slug).exclude(pk=target.pk).exists():
            raise Conflict(_("组织标识 %(slug)s 已被使用。") % {"slug": target.slug}, field="slug") from None
        raise
    target.save()
    if organization is None:
        record_activity(user, Activity.Action.CREATED, organization=target)
    else:
        changes = {f: [before[f], getattr(target, f)] for f in data if before[f] != getattr(target, f)}
        if changes:
            record_activity(user, Activity.Action.UPDATED, organization=target, changes=changes)
            for dataset_id in target.datasets.values_list("pk", flat=True):
                announce_dataset_changed(dataset_id)
    return target


@transaction.atomic
def add_member(*, user, organization, member, role):
    if role not in Membership.Role.values:
        raise field_error("role", _("无效的角色：%(role)s。") % {"role": role})
    if not (is_platform_staff(user) or Membership.objects.filter(
        user=user, organization=organization, role=Membership.Role.ADMIN
    ).exists()):
        raise PermissionDenied(_("只有平台管理员或组织管理员可以管理成员。"))
    membership, created = Membership.objects.get_or_create(user=member, organization=organization, role=role)
    if created:
        record_activity(user, Activity.Action.UPDATED, organization=organization,
                        changes={"member": [None, f"{member.username}:{role}"]})
    return membership
