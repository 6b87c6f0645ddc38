"""Search API v1: thin views over search.searching; invalid parameters answer 400 naming the parameter."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import DomainError, PageNotFound, documented_errors
from core.query_params import refuse_repeated_or_empty
from datasets import selectors
from datasets.grading import viewer_for
from datasets.models import OpenGrade, UpdateFrequency

from . import searching
from .backends import QueryError
from .backends.base import MAX_PAGE_SIZE, MAX_RESULT_WINDOW, SORTS
from .serializers import RelatedResponseSerializer, SearchResponseSerializer, SuggestResponseSerializer


def _many(name, description, enum=None):
    return OpenApiParameter(name, OpenApiTypes.STR, many=True, explode=True, enum=enum,
                            description=f"{description} Repeat the parameter or separate values with commas.")


def _date(name, description):
    return OpenApiParameter(name, OpenApiTypes.DATE, description=f"{description} (YYYY-MM-DD, inclusive).")


SEARCH_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description=(
        'Search words; all must occur. "a phrase" for adjacent words, -word to exclude. '
        "Any other syntax is treated as plain text. Traditional and Simplified Chinese, full-width and "
        "half-width forms match alike; English words also match their inflections and English stop words "
        "are optional; staff-edited synonyms apply. A query finding fewer than 3 datasets also matches "
        "title and keyword words one or two letters away, and did_you_mean then gives the corrected query.")),
    _many("organization", "Organization slugs."),
    _many("theme", "Theme codes; a top-level theme includes its sub-themes."),
    _many("keyword", "Keywords."),
    _many("format", "Resource formats, e.g. CSV."),
    _many("open_grade", "Open grades.", enum=OpenGrade.values),
    _many("licence", "Licence codes."),
    _many("update_frequency", "Update frequencies.", enum=UpdateFrequency.values),
    _many("quality", "Metadata score ranges, low-high within 0-100 (the facet counts 80-100, 60-79, 40-59, 0-39); "
                     "a dataset not scored yet is in none."),
    OpenApiParameter("region", OpenApiTypes.STR, description="Spatial region, exact value."),
    _date("modified_from", "Modified on or after"),
    _date("modified_to", "Modified on or before"),
    _date("published_from", "Published on or after"),
    _date("published_to", "Published on or before"),
    _date("temporal_start", "Temporal coverage overlaps a period starting"),
    _date("temporal_end", "Temporal coverage overlaps a period ending"),
    OpenApiParameter("bbox", OpenApiTypes.STR, description=(
        "west,south,east,north in WGS 84: datasets whose bounding box intersects it.")),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS), description=(
        "relevance (default; newest first when there is no search text), newest, modified, title, downloads, "
        "quality (metadata score, best first).")),
    OpenApiParameter("page", OpenApiTypes.INT, description=(
        f"Page number from 1; page × page_size may not exceed {MAX_RESULT_WINDOW} (400 otherwise); "
        "404 past the last page.")),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {MAX_PAGE_SIZE}, default 20."),
]

SINGLE_VALUED = [p.name for p in SEARCH_PARAMETERS if not p.many]
# Enums, dates, numbers and the bbox have no empty value; free text may be empty.
TYPED = [p.name for p in SEARCH_PARAMETERS if p.type is not OpenApiTypes.STR or p.enum or p.name == "bbox"]


class SearchView(APIView):
    """Full-text search over the datasets the caller may see, with disjunctive facets."""

    @extend_schema(
        summary="Search datasets",
        description=(
            "Datasets the caller may see, matching the text and filters, with facet counts. "
            "Within one facet, several values mean any of them; different facets must all match; "
            "each facet's counts ignore that facet's own selection."
        ),
        parameters=SEARCH_PARAMETERS,
        responses={200: SearchResponseSerializer, **documented_errors(400, 404)},
    )
    def get(self, request):
        refuse_repeated_or_empty(request.query_params, single=SINGLE_VALUED, non_empty=TYPED)
        try:
            outcome = searching.search(request.query_params, viewer_for(request))
        except QueryError as error:
            raise DomainError(error.message, field=error.field) from None
        if outcome.page > 1 and (outcome.page - 1) * outcome.page_size >= outcome.total:
            raise PageNotFound(_("没有这一页。"), field="page")
        return Response(SearchResponseSerializer(outcome, context={"request": request}).data)


class SuggestView(APIView):
    """Completions while typing: dataset titles, keywords and organizations."""

    @extend_schema(
        summary="Search suggestions",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="What has been typed so far.")],
        responses={200: SuggestResponseSerializer},
    )
    def get(self, request):
        refuse_repeated_or_empty(request.query_params, single=["q"])
        suggestions = searching.suggest(request.query_params.get("q", ""), viewer_for(request))
        return Response(SuggestResponseSerializer({"results": suggestions}).data)


class RelatedView(APIView):
    """Datasets sharing keywords or themes with one dataset (404 when the caller may not see it)."""

    @extend_schema(
        summary="Related datasets",
        parameters=[OpenApiParameter("identifier", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="Dataset identifier; may contain / : . _ -")],
        responses={200: RelatedResponseSerializer, **documented_errors(404)},
    )
    def get(self, request, identifier):
        viewer = viewer_for(request)
        dataset = selectors.dataset_for(viewer, identifier)
        datasets = searching.related(dataset, viewer)
        return Response(RelatedResponseSerializer({"results": datasets}, context={"request": request}).data)
