from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """Page-number pagination with a client page size capped by API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
