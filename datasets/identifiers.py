"""Who may take an identifier: "one number, one source", without revealing hidden datasets.

An identifier is unavailable when a dataset holds it or when it was retired
(its dataset was deleted: it may still be cited, so it never names another
source). Every caller gets the same refusal for either case, naming no holder,
so a 409 cannot tell a publisher of another department that a restricted
dataset or a draft exists: it may as well be a retired number.
"""
import hashlib
import re

from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from .models import Activity, Dataset


# What CKAN accepts as a dataset name; identifiers already of that form are their own name.
NAME_PATTERN = re.compile(r"[a-z0-9_-]{2,100}")
NAME_HASH_CHARS = 12


def name_for(identifier):
    """The dataset's ASCII name (CKAN's `name`, 2-100 of [a-z0-9_-]), derived from its identifier once
    and stored: the identifier itself when it is already a valid name, else its ASCII words followed by
    a hash of the whole identifier, so two identifiers never share a name ("公交" and "公交站" differ)."""
    if NAME_PATTERN.fullmatch(identifier):
        return identifier
    digest = hashlib.sha256(identifier.encode()).hexdigest()[:NAME_HASH_CHARS]
    words = slugify(identifier.replace("/", "-").replace(".", "-").replace(":", "-"))
    words = words[:100 - NAME_HASH_CHARS - 1].strip("-_")
    return f"{words}-{digest}" if words else f"dataset-{digest}"


def is_retired(identifier):
    """Whether a deleted dataset held the identifier (services.delete_dataset records it in the history)."""
    return Activity.objects.filter(action=Activity.Action.DELETED, changes__identifier__0=identifier).exists()


def unavailable(identifier):
    return Conflict(
        _("标识符 %(id)s 不可用：已被使用或已保留（一数一源，一个标识符只对应一个数据集）。") % {"id": identifier},
        field="identifier",
    )


def ensure_available(identifier):
    """Refuse (409) an identifier that is held or retired; the same answer whoever holds it."""
    if Dataset.objects.filter(identifier=identifier).exists() or is_retired(identifier):
        raise unavailable(identifier)


def unavailable_among(identifiers):
    """The identifiers of `identifiers` that are held or retired, in two queries (bulk loaders)."""
    identifiers = list(identifiers)
    held = set(Dataset.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True))
    retired = Activity.objects.filter(action=Activity.Action.DELETED, changes__identifier__0__in=identifiers)
    return held | {changes["identifier"][0] for changes in retired.values_list("changes", flat=True)}
