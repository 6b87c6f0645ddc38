"""The base of every API filter set, and the filters whose values need the database's limits.

Unknown values are refused by each filter's own field; this base adds the
query-string rule of core.query_params (repeated single-valued and empty
typed parameters are a 400 naming the parameter).
"""
import django_filters

from .datetimes import StorableDateTimeField
from .query_params import refuse_repeated_or_empty

# Free text: an empty value is a valid (empty) string in the schema.
TEXT_FILTERS = (django_filters.CharFilter,)
# Exploded lists: the parameter may be repeated.
REPEATABLE_FILTERS = (django_filters.MultipleChoiceFilter,)


class StorableDateTimeFilter(django_filters.DateTimeFilter):
    """A date or datetime filter refusing what PostgreSQL cannot hold (core.datetimes)."""

    field_class = StorableDateTimeField


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self):
        refuse_repeated_or_empty(
            self.data,
            single=[name for name, f in self.filters.items() if not isinstance(f, REPEATABLE_FILTERS)],
            non_empty=[name for name, f in self.filters.items() if not isinstance(f, TEXT_FILTERS)],
        )
        return super().is_valid()
