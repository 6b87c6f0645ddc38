"""The open-grade rules, in one place.

- open: anyone may find the dataset and download its data;
- conditional: anyone may see its metadata; its data reaches its own
  organization's members, platform staff, and the API keys (scope data:read)
  of enterprises holding an active grant for it (see access.services);
- restricted: it does not exist (404) for anyone but its organization's
  members and platform staff.

Drafts are seen only by their organization and staff. Every entry point
(pages, API, search, downloads, counts, feeds) asks these functions.
"""
from django.db.models import Q

from organizations.roles import is_platform_staff, member_organization_ids

from .models import Dataset, OpenGrade

PUBLIC_STATES = (Dataset.State.PUBLISHED, Dataset.State.ARCHIVED)
PUBLICLY_LISTED_GRADES = (OpenGrade.OPEN, OpenGrade.CONDITIONAL)


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


def filter_visible_through(queryset, user, *fields):
    """Rows of `queryset` whose datasets (the foreign keys `fields`, default `dataset`) `user` may see.

    For every list or detail that embeds a dataset (grants, applications, usage
    reports, contributions): a row naming a dataset hidden from the viewer is
    hidden with it. An empty reference hides nothing.
    """
    condition = visible_datasets_filter(user)
    if condition is None:
        return queryset
    visible = Dataset.objects.filter(condition).values("pk")
    for field in fields or ("dataset",):
        queryset = queryset.filter(Q(**{f"{field}__in": visible}) | Q(**{f"{field}__isnull": True}))
    return queryset


def can_view_dataset(user, dataset):
    if is_platform_staff(user) or dataset.organization_id in member_organization_ids(user):
        return True
    return dataset.state in PUBLIC_STATES and dataset.open_grade in PUBLICLY_LISTED_GRADES


class Refusal:
    """Why data may not reach a caller: the code a 403 names."""

    NOT_VISIBLE = "not_found"
    APPLICATION_REQUIRED = "application_required"
    KEY_INACTIVE = "key_inactive"
    SCOPE_REQUIRED = "scope_required"
    GRANT_REQUIRED = "grant_required"


DATA_SCOPE = "data:read"


def _is_api_key(credential):
    from apikeys.models import ApiKey  # lazy: apikeys' models import this app's

    return isinstance(credential, ApiKey)


def _granted(credential, dataset):
    """Whether the key's enterprise holds an active grant for the dataset (cached on the key for one request)."""
    from access.selectors import has_active_grant  # lazy: access imports this module

    if credential.organization_id is None:
        return False
    cache = credential.__dict__.setdefault("_granted_dataset_ids", {})
    if dataset.pk not in cache:
        cache[dataset.pk] = has_active_grant(credential.organization_id, dataset.pk)
    return cache[dataset.pk]


def is_access_audited(dataset):
    """Every handing over or refusal of conditional data is written to the audit log."""
    return dataset.open_grade == OpenGrade.CONDITIONAL


def download_refusal(user, dataset, credential=None):
    """None when the dataset's files and rows may reach the caller, else a Refusal code.

    `credential` is what authenticated the request (request.auth). Conditional
    data reaches an enterprise only through its API key: a key that is active,
    has the data:read scope, and whose enterprise holds an active grant for the
    dataset (access.selectors). A signed-in enterprise member without a key gets
    the metadata only.
    """
    if not can_view_dataset(user, dataset):
        return Refusal.NOT_VISIBLE
    if dataset.open_grade == OpenGrade.OPEN:
        return None
    if is_platform_staff(user) or dataset.organization_id in member_organization_ids(user):
        return None
    if dataset.open_grade != OpenGrade.CONDITIONAL or not _is_api_key(credential):
        return Refusal.APPLICATION_REQUIRED
    if not credential.is_active:
        return Refusal.KEY_INACTIVE
    if not credential.has_scope(DATA_SCOPE):
        return Refusal.SCOPE_REQUIRED
    if not _granted(credential, dataset):
        return Refusal.GRANT_REQUIRED
    return None


def can_download_data(user, dataset, credential=None):
    """Whether the dataset's files and rows may reach the caller (viewing is checked too)."""
    return download_refusal(user, dataset, credential) is None


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
