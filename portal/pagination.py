from django.conf import settings
from rest_framework.pagination import PageNumberPagination

from .query_params import refuse_repeated_or_empty


class PortalPagination(PageNumberPagination):
    """Page-number pagination with a client page size capped by API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        names = (self.page_query_param, self.page_size_query_param)
        refuse_repeated_or_empty(request.query_params, single=names, non_empty=names)
        return super().paginate_queryset(queryset, request, view)
