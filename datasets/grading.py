"""The open-grade rules, in one place: a `Viewer` answers them for one caller.

- open: anyone may find the dataset and download its data;
- conditional: anyone may see its metadata; its data reaches its own
  organization's members, platform staff, and the API keys (scope data:read)
  of enterprises holding an active grant for it (see access.services);
- restricted: it does not exist (404) for anyone but its organization's
  members and platform staff.

A file version in which the quality report found personal data (identity
numbers, mobile numbers, e-mails, bank cards) is held back from everyone
outside its organization and platform staff while its dataset is open or
conditional, until the publisher masks it (a new version) or restricts the
dataset; every door to its bytes asks `download_refusal(dataset, versions)`.

Drafts are seen only by their organization and staff. Every entry point
(pages, API, search, downloads, counts, feeds) asks the request's viewer
(`viewer_for(request)`, or `Viewer(user)` where there is no request): as a
database filter, as plain terms a search engine translates into its own
query, or about one dataset.

This app sits below apikeys and access: an API key is recognised by what it
offers (`DataKey`), and whether its enterprise holds a grant is asked of the
check access registers (`register_grant_check`).
"""
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol, runtime_checkable

from django.db.models import Q

from organizations.roles import is_platform_staff, member_organization_ids

from .models import Dataset, OpenGrade

PUBLIC_STATES = (Dataset.State.PUBLISHED, Dataset.State.ARCHIVED)
PUBLICLY_LISTED_GRADES = (OpenGrade.OPEN, OpenGrade.CONDITIONAL)
# The dataset fields the rules read: a change to one of them may hide the dataset (search.withdrawals).
VISIBILITY_FIELDS = ("state", "open_grade", "organization_id")
DATA_SCOPE = "data:read"


def needs_application(dataset):
    """Whether an enterprise applies for the dataset's data (access.services): published conditional ones."""
    return dataset.open_grade == OpenGrade.CONDITIONAL and dataset.state == Dataset.State.PUBLISHED


def holds_personal_data(dataset, version):
    """Whether `version` is held back for personal data: found in it, and its dataset's data reaches outsiders.

    A restricted dataset is not held: only its own department sees it at all.
    """
    return bool(version is not None and version.personal_data_found) and dataset.open_grade in PUBLICLY_LISTED_GRADES


def is_audited(dataset):
    """Whether serving, querying or refusing the dataset's data goes to the audit log: conditional data only."""
    return dataset.open_grade == OpenGrade.CONDITIONAL


class Refusal:
    """Why data may not reach a caller: the code a 403 names."""

    NOT_VISIBLE = "not_found"
    APPLICATION_REQUIRED = "application_required"
    KEY_INACTIVE = "key_inactive"
    SCOPE_REQUIRED = "scope_required"
    GRANT_REQUIRED = "grant_required"
    PERSONAL_DATA_HELD = "personal_data_held"


@runtime_checkable
class DataKey(Protocol):
    """What an API key (apikeys.models.ApiKey, the request's `auth`) offers the rules."""

    organization_id: int | None  # the enterprise it acts for; None for a personal key
    is_active: bool

    def has_scope(self, scope): ...


def _no_grant(organization_id, dataset_id):
    return False


_grant_check = _no_grant


def register_grant_check(check):
    """`check(organization_id, dataset_id)` tells whether the enterprise holds an active grant for the
    dataset. Registered by access in AccessConfig.ready(): access builds on this app, so it cannot be imported."""
    global _grant_check
    _grant_check = check


@dataclass(frozen=True)
class VisibilityTerms:
    """The rule as plain values, for engines that cannot take a Q (the search index translates them).

    A dataset is visible when `everything` is true, or its organization is in
    `organization_ids`, or its state is in `public_states` and its grade in `public_grades`.
    """

    everything: bool
    organization_ids: tuple
    public_states: tuple = tuple(str(state) for state in PUBLIC_STATES)
    public_grades: tuple = tuple(str(grade) for grade in PUBLICLY_LISTED_GRADES)

    def as_q(self):
        """The terms as a Q on fields named as the dataset's (`VISIBILITY_FIELDS`); empty for everything."""
        if self.everything:
            return Q()
        public = Q(state__in=self.public_states, open_grade__in=self.public_grades)
        return public | Q(organization_id__in=self.organization_ids) if self.organization_ids else public

    def admit(self, dataset):
        return (self.everything or dataset.organization_id in self.organization_ids
                or (dataset.state in self.public_states and dataset.open_grade in self.public_grades))


class Viewer:
    """One caller: the user and what authenticated the request (`credential`, request.auth).

    Cheap to make; `viewer_for(request)` keeps one per request, so a key's grant
    is asked once per dataset however many answers need it.
    """

    def __init__(self, user, credential=None):
        self.user = user
        self.credential = credential
        self._granted = {}

    @cached_property
    def sees_everything(self):
        return is_platform_staff(self.user)

    @cached_property
    def terms(self):
        everything = self.sees_everything
        own = () if everything else tuple(sorted(member_organization_ids(self.user)))
        return VisibilityTerms(everything=everything, organization_ids=own)

    # --- the database ---

    def visible_filter(self):
        """A Q selecting the datasets the viewer may know exist (empty for staff: all of them)."""
        return self.terms.as_q()

    def filter_visible(self, queryset):
        return queryset if self.sees_everything else queryset.filter(self.visible_filter())

    def filter_visible_through(self, queryset, *fields):
        """Rows of `queryset` whose datasets (the foreign keys `fields`, default `dataset`) the viewer may see.

        For every list or detail that embeds a dataset (grants, applications, usage
        reports, contributions): a row naming a dataset hidden from the viewer is
        hidden with it. An empty reference hides nothing.
        """
        if self.sees_everything:
            return queryset
        visible = Dataset.objects.filter(self.visible_filter()).values("pk")
        for field in fields or ("dataset",):
            queryset = queryset.filter(Q(**{f"{field}__in": visible}) | Q(**{f"{field}__isnull": True}))
        return queryset

    # --- one dataset ---

    def can_view(self, dataset):
        return self.terms.admit(dataset)

    def _is_own(self, dataset):
        return self.sees_everything or dataset.organization_id in self.terms.organization_ids

    def _holds_grant(self, key, dataset):
        if key.organization_id is None:
            return False
        if dataset.pk not in self._granted:
            self._granted[dataset.pk] = _grant_check(key.organization_id, dataset.pk)
        return self._granted[dataset.pk]

    def is_held_from(self, dataset, version):
        """Whether `version` is held back from this viewer for personal data (holds_personal_data)."""
        return holds_personal_data(dataset, version) and not self._is_own(dataset)

    def download_refusal(self, dataset, versions=()):
        """None when the dataset's files and rows may reach the viewer, else a Refusal code.

        Conditional data reaches an enterprise only through its API key: a key that
        is active, has the data:read scope, and whose enterprise holds an active
        grant for the dataset. A signed-in enterprise member without a key gets the
        metadata only. `versions` are the file versions whose bytes would be served
        (a download, the table a datastore query reads): one held from the viewer refuses.
        """
        refusal = self._grade_refusal(dataset)
        if refusal is None and any(self.is_held_from(dataset, version) for version in versions):
            return Refusal.PERSONAL_DATA_HELD
        return refusal

    def _grade_refusal(self, dataset):
        if not self.can_view(dataset):
            return Refusal.NOT_VISIBLE
        if dataset.open_grade == OpenGrade.OPEN or self._is_own(dataset):
            return None
        key = self.credential
        if dataset.open_grade != OpenGrade.CONDITIONAL or not isinstance(key, DataKey):
            return Refusal.APPLICATION_REQUIRED
        if not key.is_active:
            return Refusal.KEY_INACTIVE
        if not key.has_scope(DATA_SCOPE):
            return Refusal.SCOPE_REQUIRED
        if not self._holds_grant(key, dataset):
            return Refusal.GRANT_REQUIRED
        return None

    def can_download(self, dataset, versions=()):
        """Whether the dataset's files and rows (of `versions`) may reach the viewer (viewing is checked too)."""
        return self.download_refusal(dataset, versions) is None

    def held_version_ids(self, dataset, versions):
        """Ids of the `versions` (of one dataset) held back from this viewer, for pages listing them."""
        return {version.pk for version in versions if self.is_held_from(dataset, version)}


def viewer_for(request):
    """The request's Viewer: its user and credential (request.auth on API calls), made once per request."""
    user, credential = request.user, getattr(request, "auth", None)
    viewer = getattr(request, "_viewer", None)
    if viewer is None or viewer.user is not user or viewer.credential is not credential:
        viewer = Viewer(user, credential)
        request._viewer = viewer
    return viewer
