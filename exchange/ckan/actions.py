"""The read actions of CKAN's Action API, by name. Each takes the `Call` and returns the `result`.

Every action answers for the call's viewer (datasets.grading): what it may not see is absent (Not Found,
not Authorization Error, so a hidden dataset cannot be told from a missing one).
"""
from core.site import PORTAL_NAME
from datasets.models import Licence
from datasets.provenance import provenance_of
from search.backends.base import MAX_WALK_WINDOW

from . import params
from .dicts import group_dict, licence_dict, organization_dict, package_dict, resource_dict, tag_dict
from .errors import NotFound, ValidationFailed
from .package_search import package_search
from .selectors import (
    listed_packages,
    organization_by_reference,
    organizations_with_counts,
    package_by_reference,
    resource_by_id,
    tag_counts,
    theme_by_reference,
    themes_with_counts,
    visible_packages_by_pk,
)

LIST_MAX = 1000
ALL_FIELDS_MAX = 1000
PACKAGES_IN_SHOW = 100
# The CKAN release whose read API this one answers like (status_show), for clients that check.
CKAN_API_LEVEL = "2.10.0"
ACTIONS = {}


def action(function):
    ACTIONS[function.__name__] = function
    return function


action(package_search)


def _reference(call, name="id"):
    reference = params.text(call.data, name).strip()
    if not reference:
        raise ValidationFailed(name, "Missing value")
    return reference


def _window(call, default_limit, maximum):
    """(offset, limit) of a list action; both bounded, so no database is asked for an impossible window."""
    limit = params.integer(call.data, "limit", default_limit, maximum=maximum)
    return params.integer(call.data, "offset", 0, maximum=MAX_WALK_WINDOW), limit


@action
def package_list(call):
    """Names of the published datasets the caller may see, by name (limit, offset)."""
    offset, limit = _window(call, None, MAX_WALK_WINDOW)
    names = listed_packages(call.viewer).order_by("name").values_list("name", flat=True)
    return list(names[offset:offset + limit] if limit is not None else names[offset:])


@action
def current_package_list_with_resources(call):
    """The most recently modified datasets with their resources (limit, offset; or page)."""
    offset, limit = _window(call, 10, LIST_MAX)
    page = params.integer(call.data, "page", 0, maximum=MAX_WALK_WINDOW // max(limit, 1))
    offset = (page - 1) * limit if page else offset
    chosen = listed_packages(call.viewer).order_by("-modified", "-pk").values_list("pk", flat=True)
    ids = list(chosen[offset:offset + limit])
    packages = visible_packages_by_pk(call.viewer, ids)
    return [package_dict(packages[pk], call.links, call.viewer) for pk in ids]


@action
def package_show(call):
    """One dataset, by CKAN id, name or portal identifier (id)."""
    dataset = package_by_reference(call.viewer, _reference(call))
    if dataset is None:
        raise NotFound("Dataset not found")
    return package_dict(dataset, call.links, call.viewer, provenance_of(dataset))


@action
def resource_show(call):
    """One resource, by id."""
    resource = resource_by_id(call.viewer, _reference(call))
    if resource is None:
        raise NotFound("Resource was not found.")
    return resource_dict(resource, resource.dataset, call.links, call.viewer)


def _listing(call, filter_key, entries, describe, name_of):
    """organization_list / group_list: names, or dicts with all_fields (sort, limit, offset, a filter by name)."""
    wanted = params.string_list(call.data, filter_key)
    entries = [entry for entry in entries if not wanted or name_of(entry) in wanted]
    sort = " ".join(params.text(call.data, "sort", "name asc").split()).lower()
    keys = {"name asc": lambda e: name_of(e), "name desc": lambda e: name_of(e),
            "title asc": lambda e: describe(e)["title"], "title desc": lambda e: describe(e)["title"],
            "package_count desc": lambda e: -e.package_count, "package_count asc": lambda e: e.package_count}
    if sort not in keys:
        raise ValidationFailed("sort", f"Cannot sort by {sort!r}; sorts: {', '.join(keys)}")
    entries.sort(key=keys[sort], reverse=sort in ("name desc", "title desc"))
    all_fields = params.boolean(call.data, "all_fields", False)
    offset, limit = _window(call, ALL_FIELDS_MAX if all_fields else LIST_MAX, LIST_MAX)
    entries = entries[offset:offset + limit]
    return [describe(entry) for entry in entries] if all_fields else [name_of(entry) for entry in entries]


@action
def organization_list(call):
    """Organizations publishing in the catalog (all_fields, sort, limit, offset, organizations)."""
    return _listing(call, "organizations", list(organizations_with_counts(call.viewer)),
                    lambda org: organization_dict(org, call.links, org.package_count), lambda org: org.slug)


@action
def organization_show(call):
    """One organization by id or name; include_datasets adds its first datasets."""
    organization = organization_by_reference(call.viewer, _reference(call))
    if organization is None:
        raise NotFound("Organization was not found.")
    result = organization_dict(organization, call.links, organization.package_count)
    if params.boolean(call.data, "include_datasets", False):
        packages = listed_packages(call.viewer).filter(organization=organization).order_by("name")
        ids = list(packages.values_list("pk", flat=True)[:PACKAGES_IN_SHOW])
        found = visible_packages_by_pk(call.viewer, ids)
        result["packages"] = [package_dict(found[pk], call.links, call.viewer) for pk in ids]
    result.update({"users": [], "extras": [], "tags": [], "groups": []})
    return result


@action
def group_list(call):
    """The catalog's themes as CKAN groups (all_fields, sort, limit, offset, groups)."""
    return _listing(call, "groups", themes_with_counts(call.viewer), lambda theme: group_dict(theme, theme.package_count),
                    lambda theme: theme.code)


@action
def group_show(call):
    """One theme by id or name (its code)."""
    theme = theme_by_reference(call.viewer, _reference(call))
    if theme is None:
        raise NotFound("Group was not found.")
    return {**group_dict(theme, theme.package_count), "users": [], "extras": [], "tags": [], "groups": []}


@action
def tag_list(call):
    """Tags of the listed datasets (query: a part of the name; all_fields)."""
    part = params.text(call.data, "query").casefold()
    names = sorted(name for name in tag_counts(call.viewer) if part in name.casefold())
    return [tag_dict(name) for name in names] if params.boolean(call.data, "all_fields", False) else names


@action
def license_list(call):
    """The licences datasets may carry."""
    entries = []
    for licence in [*Licence.objects.order_by("code"), None]:
        entry = licence_dict(licence)
        is_open = bool(licence and licence.is_open)
        entries.append({**entry, "status": "active", "maintainer": "", "family": "", "domain_content": False,
                        "domain_data": True, "domain_software": False, "is_generic": licence is None,
                        "is_okd_compliant": is_open, "is_osi_compliant": False,
                        "od_conformance": "approved" if is_open else "not reviewed", "osd_conformance": "not reviewed"})
    return entries


@action
def status_show(call):
    """What the site is and which API it answers (CKAN's action API, version 3, read only)."""
    return {"site_title": str(PORTAL_NAME), "site_description": "", "site_url": call.links.root,
            "ckan_version": CKAN_API_LEVEL, "api_version": 3, "error_emails_to": None,
            "locale_default": "zh_Hans", "extensions": ["city-data-portal"]}


@action
def help_show(call):
    """What an action does (name)."""
    name = _reference(call, "name")
    if name not in ACTIONS:
        raise NotFound(f"Action function not found: {name}")
    return ACTIONS[name].__doc__
