"""How the API reads its query string: a single-valued parameter once, a typed one never empty.

The OpenAPI schema declares each parameter once (unless it is an exploded
list) and gives enums, dates and numbers no empty value; a request that sends
`page=1&page=2` or `open_grade=` is refused with a 400 naming the parameter
instead of silently taking the last value or ignoring it. Filter sets
(core.filters), pagination and the search API call this one rule.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError


def refuse_repeated_or_empty(params, *, single=(), non_empty=()):
    """Raise a 400 for each name in `single` sent more than once and each in `non_empty` sent empty."""
    errors = {}
    for name in single:
        if len(params.getlist(name)) > 1:
            errors[name] = [_("该参数只能给出一次。")]
    for name in non_empty:
        if name not in errors and any(value == "" for value in params.getlist(name)):
            errors[name] = [_("该参数不能为空。")]
    if errors:
        raise ValidationError(errors)
