"""The open-grade rules, in one place.

- open: anyone may find the dataset and download its data;
- conditional: anyone may see its metadata; its data reaches only its own
  organization's members and platform staff (access applications come later);
- restricted: it does not exist (404) for anyone but its organization's
  members and platform staff.

Drafts are seen only by their organization and staff. Every entry point
(pages, API, search, downloads, counts, feeds) asks these functions.
"""
from django.db.models import Q

from .models import Dataset, OpenGrade

PUBLIC_STATES = (Dataset.State.PUBLISHED, Dataset.State.ARCHIVED)
PUBLICLY_LISTED_GRADES = (OpenGrade.OPEN, OpenGrade.CONDITIONAL)


def is_platform_staff(user):
    return bool(user and user.is_authenticated and user.is_staff)


def member_organization_ids(user):
    """Ids of the organizations the user belongs to, in any role (cached per user object)."""
    if not (user and user.is_authenticated):
        return frozenset()
    cached = getattr(user, "_member_organization_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("organization_id", flat=True))
        user._member_organization_ids = cached
    return cached


def visible_datasets_filter(user):
    """A Q selecting the datasets `user` may know exist, or None for 'all of them'."""
    if is_platform_staff(user):
        return None
    public = Q(state__in=PUBLIC_STATES, open_grade__in=PUBLICLY_LISTED_GRADES)
    own = member_organization_ids(user)
    if own:
        return public | Q(organization_id__in=own)
    return public


def filter_visible(queryset, user):
    condition = visible_datasets_filter(user)
    return queryset if condition is None else queryset.filter(condition)


def can_view_dataset(user, dataset):
    if is_platform_staff(user) or dataset.organization_id in member_organization_ids(user):
        return True
    return dataset.state in PUBLIC_STATES and dataset.open_grade in PUBLICLY_LISTED_GRADES


def can_download_data(user, dataset):
    """Whether the dataset's files and rows may reach `user` (viewing is checked too)."""
    if not can_view_dataset(user, dataset):
        return False
    if dataset.open_grade == OpenGrade.OPEN:
        return True
    return is_platform_staff(user) or dataset.organization_id in member_organization_ids(user)


class Visibility:
    """`visible_datasets_filter` as plain values, for engines that cannot take a Q (the search index).

    A dataset is visible when `everything` is true, or its organization is in
    `organization_ids`, or its state is in `public_states` and its grade in `public_grades`.
    """

    public_states = tuple(str(state) for state in PUBLIC_STATES)
    public_grades = tuple(str(grade) for grade in PUBLICLY_LISTED_GRADES)

    def __init__(self, user):
        self.everything = is_platform_staff(user)
        self.organization_ids = frozenset() if self.everything else member_organization_ids(user)
