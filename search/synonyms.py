"""The staff-edited synonym list: writing it (every change also writes a SynonymListVersion, in the
same transaction) and reading it at query time (search.expansion), from a per-process copy.

Groups keep their terms as staff typed them; they are normalized when read, so a better normalizer
applies to every stored group at once. The version snapshots keep the normalized terms of the time.
"""
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import SynonymGroup, SynonymListVersion
from .process_copies import ProcessCopy
from .query import make_term

MAX_TERM_CHARS = 100
VERSION_KEY = "search:synonyms:version"
TERM_SEPARATORS = re.compile(r"[,，、\r\n]+")
Action = SynonymListVersion.Action


def _normalized(term):
    """The form a parsed query term has (search.query: normalized, punctuation as spaces), to compare with."""
    parsed = make_term(term)
    return parsed.text if parsed else ""


def split_terms(text):
    """The terms of a group's text, trimmed, in order, one per normalized form."""
    terms, seen = [], set()
    for raw in TERM_SEPARATORS.split(text or ""):
        term = " ".join(raw.split())
        key = _normalized(term)
        if key and key not in seen:
            seen.add(key)
            terms.append(term)
    return terms


def clean_terms(text):
    """The text a group stores ("a, b, c"), or a ValidationError on `terms`."""
    terms = split_terms(text)
    errors = [
        _("“%(term)s”太长：每个词最多 %(max)d 个字符。") % {"term": Truncator(term).chars(20), "max": MAX_TERM_CHARS}
        for term in terms if max(len(term), len(_normalized(term))) > MAX_TERM_CHARS
    ]
    if len(terms) < 2:
        errors.append(_("至少需要两个不同的词，用逗号、顿号或换行分隔。"))
    if errors:
        raise ValidationError({"terms": errors})
    return ", ".join(terms)


# --- writing ----------------------------------------------------------------------

def _latest_number():
    return SynonymListVersion.objects.aggregate(latest=Max("number"))["latest"] or 0


def _lock():
    """Serialize the writers, so each snapshot sees the changes before it and numbers never collide."""
    SynonymListVersion.objects.select_for_update().order_by("-number").first()


def _write_version(user, action, group):
    version = SynonymListVersion.objects.create(
        number=_latest_number() + 1, created_by=user if user is not None and user.is_authenticated else None, action=action,
        change=Truncator(f"#{group.pk} {group.terms}").chars(200), groups=[list(terms) for terms in _active_groups()],
    )
    _copy.forget()
    return version


@transaction.atomic
def save_synonym_group(*, user, data, group=None):
    """Create a group (`group` None) or change the fields `data` holds (terms, note, active).

    A change that changes nothing writes nothing. Returns the saved group.
    """
    fields = {}
    if group is None or "terms" in data:
        fields["terms"] = clean_terms(data.get("terms"))
    if "note" in data:
        fields["note"] = (data["note"] or "").strip()
    if "active" in data:
        fields["active"] = bool(data["active"])
    _lock()
    if group is None:
        group, action = SynonymGroup(**fields), Action.CREATED
    else:
        changed = {name for name, value in fields.items() if getattr(group, name) != value}
        if not changed:
            return group
        if changed == {"active"}:
            action = Action.ACTIVATED if fields["active"] else Action.DEACTIVATED
        else:
            action = Action.CHANGED
        for name in changed:
            setattr(group, name, fields[name])
    group.modified_by = user if user is not None and user.is_authenticated else None
    group.save()
    _write_version(user, action, group)
    return group


@transaction.atomic
def delete_synonym_group(*, user, group):
    _lock()
    SynonymGroup.objects.filter(pk=group.pk).delete()  # a queryset delete keeps `group.pk` for the version
    _write_version(user, Action.DELETED, group)


# --- reading ----------------------------------------------------------------------

def _active_groups():
    return tuple(
        tuple(_normalized(term) for term in split_terms(terms))
        for terms in SynonymGroup.objects.filter(active=True).order_by("pk").values_list("terms", flat=True)
    )


def _load():
    groups = _active_groups()
    others = {}
    for group in groups:
        for term in group:
            others.setdefault(term, []).extend(other for other in group if other != term)
    return groups, {term: tuple(dict.fromkeys(alternatives)) for term, alternatives in others.items()}


# Keyed by the latest version number: (groups, {term: its synonyms}).
_copy = ProcessCopy(VERSION_KEY, _load, new_version=_latest_number)


def synonym_groups():
    """The active groups, each a tuple of its normalized terms, in list order."""
    return _copy.get()[0]


def synonyms_of(phrase):
    """The other terms of every active group holding `phrase` (normalized by the caller), in list order."""
    return _copy.get()[1].get(phrase, ())
