"""Catalog objects in CKAN's dictionary shapes (`package_show`, `resource_show`, `organization_show`...).

Text is in the request's language with the other one as fallback, as on /api/v1/ (core.localization).
Times are naive UTC ISO strings with microseconds, as CKAN writes them. Ids: a dataset's and a
resource's are their stored UUIDs; organizations, themes (CKAN groups) and tags get UUIDs derived
from their keys, stable for as long as those are.
"""
import datetime
import functools
import json
import uuid

from core.localization import localized_text
from datasets.grading import needs_application
from datasets.models import Dataset, OpenGrade, Resource

# CKAN refuses tags outside 2-100 characters: those keywords stay in the `keywords` extra only.
TAG_LENGTH = (2, 100)
ID_NAMESPACE = uuid.UUID("5b1f4c1e-8d0a-4c63-9a57-0e3f6a0c2d11")
NO_LICENCE = {"id": "notspecified", "title": "License not specified", "url": ""}
RESOURCE_TYPES = {Resource.Kind.FILE: "file.upload", Resource.Kind.URL: "file"}


@functools.lru_cache(maxsize=4096)
def derived_id(kind, key):
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


def ckan_time(moment):
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    return moment.isoformat()


def text_of(obj, field):
    return localized_text(obj, field).text or ""


def organization_dict(organization, links, package_count=None):
    logo = links.absolute(organization.logo.url) if organization.logo else ""
    entry = {
        "id": derived_id("organization", organization.pk), "name": organization.slug,
        "title": organization.name, "display_name": organization.name,
        "description": text_of(organization, "description"), "image_url": logo, "image_display_url": logo,
        "created": ckan_time(organization.created), "is_organization": True, "approval_status": "approved",
        "state": "active", "type": "organization",
    }
    if package_count is not None:
        entry["package_count"] = package_count
    return entry


def group_dict(theme, package_count=None):
    entry = {
        "id": derived_id("theme", theme.code), "name": theme.code, "title": theme.name, "display_name": theme.name,
        "description": text_of(theme, "description"), "image_url": "", "image_display_url": "",
        "is_organization": False, "approval_status": "approved", "state": "active", "type": "group",
    }
    if package_count is not None:
        entry["package_count"] = package_count
    return entry


def tag_dict(name):
    return {"id": derived_id("tag", name), "name": name, "display_name": name, "state": "active",
            "vocabulary_id": None}


def tag_names(dataset):
    """The dataset's keywords (both languages, each once) that CKAN accepts as tags."""
    keywords = dict.fromkeys([*(dataset.keywords or []), *(dataset.keywords_en or [])])
    return [word for word in keywords if isinstance(word, str) and TAG_LENGTH[0] <= len(word) <= TAG_LENGTH[1]]


def licence_dict(licence):
    if licence is None:
        return NO_LICENCE
    return {"id": licence.code, "title": licence.title, "url": licence.url}


def _bbox_geometry(bbox):
    west, south, east, north = bbox
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _extras(dataset, links, provenance):
    values = {
        "identifier": dataset.identifier,
        "open_grade": dataset.open_grade,
        "update_frequency": dataset.update_frequency,
        "next_update_due": dataset.next_update_due.isoformat() if dataset.next_update_due else "",
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "spatial_region": dataset.spatial_region,
        "keywords": json.dumps(dataset.keywords or [], ensure_ascii=False),
        "keywords_en": json.dumps(dataset.keywords_en or [], ensure_ascii=False),
        "portal_state": dataset.state,
        "landing_page": links.landing_page(dataset),
        # What the source catalog says (ckanext-dcat's names); CKAN's metadata_* stay the portal's own times.
        "issued": ckan_time(dataset.issued),
        "modified": ckan_time(dataset.source_modified),
        "licence_text": dataset.licence_text,
    }
    if isinstance(dataset.spatial_bbox, list) and len(dataset.spatial_bbox) == 4:
        values["spatial"] = json.dumps(_bbox_geometry(dataset.spatial_bbox))
    if needs_application(dataset):
        values["access_application_url"] = links.apply_page(dataset)
    if provenance:
        values["provenance"] = json.dumps(provenance, ensure_ascii=False, default=str)
    return [{"key": key, "value": value} for key, value in sorted(values.items()) if value not in ("", None)]


def resource_dict(resource, dataset, links, viewer):
    return {
        "id": str(resource.uid), "package_id": str(dataset.uid), "position": resource.position,
        "name": text_of(resource, "name"), "description": text_of(resource, "description"),
        "format": resource.format, "mimetype": resource.media_type or None, "size": resource.size,
        "hash": resource.sha256, "created": ckan_time(resource.created),
        # A resource is saved with each new file version: its time is the data's last change.
        "last_modified": ckan_time(resource.modified),
        "metadata_modified": ckan_time(resource.modified),
        "url": links.data_url(viewer, resource, dataset), "url_type": "upload" if resource.kind == "file" else None,
        "resource_type": RESOURCE_TYPES.get(resource.kind), "state": "active",
    }


def package_dict(dataset, links, viewer, provenance=()):
    """The dataset as `package_show` answers; `dataset` comes from exchange.ckan.selectors.load_packages
    (its organization, licence, `ckan_themes` and resources attached)."""
    licence = licence_dict(dataset.licence)
    themes = {}
    for theme in dataset.ckan_themes:
        for group in (theme.parent, theme) if theme.parent_id else (theme,):
            themes.setdefault(group.code, group)
    tags = tag_names(dataset)
    resources = [resource_dict(resource, dataset, links, viewer) for resource in dataset.resources.all()]
    return {
        "id": str(dataset.uid), "name": dataset.name, "title": text_of(dataset, "title"),
        "notes": text_of(dataset, "description"), "url": dataset.source_url or None, "version": None,
        "license_id": licence["id"], "license_title": licence["title"], "license_url": licence["url"] or None,
        "isopen": bool(dataset.licence and dataset.licence.is_open and dataset.open_grade == OpenGrade.OPEN),
        "author": None, "author_email": None,
        "maintainer": dataset.contact_name or None, "maintainer_email": dataset.contact_email or None,
        "metadata_created": ckan_time(dataset.created), "metadata_modified": ckan_time(dataset.modified),
        # Restricted datasets are what CKAN calls private: seen by their organization alone.
        "private": dataset.open_grade == OpenGrade.RESTRICTED,
        "state": "draft" if dataset.state == Dataset.State.DRAFT else "active", "type": "dataset",
        "creator_user_id": None, "owner_org": derived_id("organization", dataset.organization_id),
        "organization": organization_dict(dataset.organization, links),
        "groups": [group_dict(theme) for theme in themes.values()],
        "tags": [tag_dict(name) for name in tags], "num_tags": len(tags),
        "extras": _extras(dataset, links, list(provenance)),
        "resources": resources, "num_resources": len(resources),
        "relationships_as_object": [], "relationships_as_subject": [],
    }
