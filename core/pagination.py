import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from .exceptions import DomainError, PageNotFound
from .query_params import refuse_repeated_or_empty

POSITIVE_INTEGER = re.compile(r"[1-9][0-9]{0,17}")


def positive_int(params, name, default):
    """A page or page size parameter: absent or empty -> default (as in search); anything but 1, 2, 3, ... -> 400."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not POSITIVE_INTEGER.fullmatch(raw.strip()):
        raise DomainError(_("应为正整数。"), field=name)
    return int(raw)


class PortalPagination(PageNumberPagination):
    """Page-number pagination with a client page size capped by API_MAX_PAGE_SIZE.

    The same faults answer the same as in search: a page or page size that is not a
    positive integer is a 400 naming it, a page past the last one a 404 naming `page`.
    """

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    last_page_strings = ()
    page_query_description = "Page number from 1 (400 if not a positive integer, 404 past the last page)."
    page_size_query_description = (
        f"Results per page, a positive integer (400 otherwise); more than {settings.API_MAX_PAGE_SIZE} "
        f"gives {settings.API_MAX_PAGE_SIZE}.")

    def get_page_size(self, request):
        return min(positive_int(request.query_params, self.page_size_query_param, self.page_size),
                   self.max_page_size)

    def get_page_number(self, request, paginator):
        return positive_int(request.query_params, self.page_query_param, 1)

    def paginate_queryset(self, queryset, request, view=None):
        names = (self.page_query_param, self.page_size_query_param)
        refuse_repeated_or_empty(request.query_params, single=names, non_empty=names)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise PageNotFound(_("没有这一页。"), field="page") from None
