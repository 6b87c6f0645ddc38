"""The catalog list's filters and their facet counts, read from the database for one viewer.

The same facets, parameters and semantics as the search page (search.backends.base):
several values of one facet mean any of them (`?theme=a&theme=b` or `?theme=a,b`),
different facets must all match, and each facet's counts ignore that facet's own
selection so its other values stay choosable. Counts are taken over the queryset the
view passes in, which is already limited by grade (datasets.selectors.listed_datasets_for),
so a dataset the viewer may not see is never counted; they are cached under that queryset's SQL
until the catalog changes (datasets.catalog_counts). Unknown values are reported and
ignored, as the list's other bad parameters are.
"""
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.localization import localized
from organizations.selectors import listed_organizations

from .catalog_counts import cached
from .facets import FACET_TITLES, QUALITY_RANGES, quality_label, quality_range
from .models import Dataset, Licence, OpenGrade, Resource, Theme, UpdateFrequency
from .selectors import theme_counts

LIST_FACETS = ("organization", "theme", "format", "open_grade", "licence", "update_frequency", "quality")
# Facets listed in their own order rather than most frequent first: {facet: values in order}.
FIXED_ORDER = {"quality": [value for value, _low, _high in QUALITY_RANGES]}
MAX_VALUES = 50  # per facet, as in search (FACET_SIZE)
MAX_FORMAT_LENGTH = 30


def filter_organizations():
    """The organizations a visitor may filter the catalog by (and see named in its facet)."""
    return listed_organizations()


def _known(facet, values):
    """The values of `facet` that exist, keeping their order."""
    if facet == "organization":
        found = set(filter_organizations().filter(slug__in=values).values_list("slug", flat=True))
    elif facet == "theme":
        found = set(Theme.objects.filter(code__in=values).values_list("code", flat=True))
    elif facet == "licence":
        found = set(Licence.objects.filter(code__in=values).values_list("code", flat=True))
    elif facet == "open_grade":
        found = set(OpenGrade.values)
    elif facet == "update_frequency":
        found = set(UpdateFrequency.values)
    elif facet == "quality":
        found = {value for value in values if quality_range(value)}
    else:
        found = {value for value in values if len(value) <= MAX_FORMAT_LENGTH}
    return [value for value in values if value in found]


def _condition(facet, values):
    if facet == "organization":
        return Q(organization__slug__in=values)
    if facet == "theme":
        links = Dataset.themes.through.objects.filter(Q(theme__code__in=values) | Q(theme__parent__code__in=values))
        return Q(pk__in=links.values("dataset_id"))
    if facet == "format":
        return Q(pk__in=Resource.objects.filter(format__in=values).values("dataset_id"))
    if facet == "licence":
        return Q(licence__code__in=values)
    if facet == "quality":
        condition = Q(pk__in=[])
        for low, high in map(quality_range, values):
            condition |= Q(metadata_score__gte=low, metadata_score__lte=high)
        return condition
    return Q(**{f"{facet}__in": values})


class CatalogFilters:
    """The facet selection of one request: `chosen` {facet: values}, `errors` [(title, message)]."""

    def __init__(self, params):
        self.chosen, self.errors = {}, []
        for facet in LIST_FACETS:
            values = list(dict.fromkeys(
                part.strip() for value in params.getlist(facet) for part in value.split(",") if part.strip()
            ))
            if facet == "format":
                values = [value.upper() for value in values]
            known = _known(facet, values)
            if unknown := [value for value in values if value not in known]:
                message = _("未知的取值：%(values)s。") % {"values": ", ".join(unknown)}
                self.errors.append((FACET_TITLES[facet], message))
            if known:
                self.chosen[facet] = known

    def apply(self, queryset, exclude=None):
        """The queryset narrowed by every chosen facet but `exclude`."""
        for facet, values in self.chosen.items():
            if facet != exclude:
                queryset = queryset.filter(_condition(facet, values))
        return queryset

    def options(self, queryset):
        """{facet: [{"value", "label", "count", "selected"}]}, most frequent first; a chosen value
        with no dataset stays listed with 0. The counts are cached until the catalog changes
        (catalog_counts); the labels, and which organizations may be named, are read afresh."""
        counts = cached(queryset, ["facets", self.chosen], lambda: self._counts(queryset))
        options = {}
        for facet in LIST_FACETS:
            by_value, labels = _LABELLERS[facet](counts[facet])
            chosen = self.chosen.get(facet, [])
            pairs = sorted(((value, n) for value, n in by_value.items() if value and n),
                           key=lambda pair: (-pair[1], pair[0]))[:MAX_VALUES]
            if facet in FIXED_ORDER:
                pairs.sort(key=lambda pair: FIXED_ORDER[facet].index(pair[0]))
            pairs += [(value, 0) for value in chosen if value not in dict(pairs)]
            options[facet] = [{"value": value, "label": labels.get(value, value), "count": n,
                               "selected": value in chosen} for value, n in pairs]
        return options

    def _counts(self, queryset):
        """{facet: {stored value: datasets}}, each facet counted over the others' selection."""
        return {facet: _COUNTERS[facet](self.apply(queryset, exclude=facet).order_by().prefetch_related(None))
                for facet in LIST_FACETS}


# Counting: a facet's datasets (a queryset) -> {stored value (an id for organizations, themes and
# licences): number of datasets}. No join multiplies a dataset's row, so no DISTINCT is needed.

def _grouped(datasets, field):
    return dict(datasets.values_list(field).annotate(n=Count("pk")))


def _format_counts(datasets):
    resources = Resource.objects.filter(dataset__in=datasets.values("pk")).exclude(format="").order_by()
    return dict(resources.values_list("format").annotate(n=Count("dataset_id", distinct=True)))


def _choice_counts(field):
    return lambda datasets: _grouped(datasets.exclude(**{field: ""}), field)


def _quality_counts(datasets):
    """Datasets per score range, in one query (a dataset not scored yet is in none)."""
    found = datasets.aggregate(**{
        f"range_{index}": Count("pk", filter=Q(metadata_score__gte=low, metadata_score__lte=high))
        for index, (_value, low, high) in enumerate(QUALITY_RANGES)})
    return {value: found[f"range_{index}"] for index, (value, _low, _high) in enumerate(QUALITY_RANGES)}


_COUNTERS = {
    "organization": lambda datasets: _grouped(datasets, "organization_id"),
    "theme": lambda datasets: theme_counts(datasets.values("pk")),
    "format": _format_counts,
    "open_grade": _choice_counts("open_grade"),
    "licence": lambda datasets: _grouped(datasets, "licence_id"),
    "update_frequency": _choice_counts("update_frequency"),
    "quality": _quality_counts,
}


# Labelling: the counts -> ({facet value: number}, {facet value: label}) in the active language.

def _organization_labels(counts):
    # An organization that is not listed (an enterprise not verified) is not named as a provider.
    named = filter_organizations().filter(pk__in=[pk for pk in counts if pk])
    return ({organization.slug: counts[organization.pk] for organization in named},
            {organization.slug: localized(organization, "name") for organization in named})


def _theme_labels(counts):
    themes = Theme.objects.filter(pk__in=counts)
    return {theme.code: counts[theme.pk] for theme in themes}, {theme.code: localized(theme, "name") for theme in themes}


def _licence_labels(counts):
    licences = Licence.objects.filter(pk__in=[pk for pk in counts if pk])
    return ({licence.code: counts[licence.pk] for licence in licences},
            {licence.code: localized(licence, "title") for licence in licences})


def _choice_labels(choices):
    return lambda counts: (counts, {value: str(label) for value, label in choices})


_LABELLERS = {
    "organization": _organization_labels,
    "theme": _theme_labels,
    "format": lambda counts: (counts, {}),
    "open_grade": _choice_labels(OpenGrade.choices),
    "licence": _licence_labels,
    "update_frequency": _choice_labels(UpdateFrequency.choices),
    "quality": lambda counts: (counts, {value: str(quality_label(value)) for value in counts}),
}
