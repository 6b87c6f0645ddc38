"""Reading the snapshots for pages, exports and the API: figures are looked up, never computed per request."""
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models.fields.json import KeyTransform

from . import months
from .facts import AUDIENCES, PUBLIC
from .models import EvaluationSnapshot

RANKING_PAGE_SIZE = 50
CHART_ORGANIZATIONS = 20


def months_taken():
    """[(month, taken)] of the months with a snapshot, newest first."""
    return list(EvaluationSnapshot.objects.filter(organization__isnull=True).order_by("-month")
                .values_list("month", "taken"))


def chosen_month(raw, taken):
    """The month asked for ("YYYY-MM"; ValueError if malformed), else the newest with a snapshot, else this one."""
    if raw not in (None, ""):
        return months.parse(raw)
    return taken[0][0] if taken else months.current()


@dataclass
class Board:
    """One month as one audience sees it: the platform's figures and the order organizations are listed in."""

    audience: str
    month: object
    taken: object = None
    platform: dict = field(default_factory=dict)
    order: list = field(default_factory=list)  # organization ids: ranked ones by rank, then the rest by slug

    @property
    def exists(self):
        return self.taken is not None

    @property
    def ranking(self):
        """[[organization id, rank, score], ...] best first."""
        return self.platform.get("ranking", [])


def board(month, audience=PUBLIC):
    """The month's Board; one without a snapshot has `exists` false (the page says "no snapshot")."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    snapshot = EvaluationSnapshot.objects.filter(month=month, organization__isnull=True).first()
    if snapshot is None:
        return Board(audience, month)
    platform = snapshot.figures.get(audience, {})
    ranks = {organization: rank for organization, rank, _score in platform.get("ranking", [])}
    listed = (EvaluationSnapshot.objects.filter(month=month, organization__isnull=False)
              .values_list("organization_id", "organization__slug"))
    order = [key for key, _slug in sorted(listed, key=lambda row: (ranks.get(row[0], float("inf")), row[1]))]
    return Board(audience, month, snapshot.taken, platform, order)


def organization_rows(board, organization_ids):
    """[(organization, figures)] of these organizations in the board's month, in the order given."""
    rows = (EvaluationSnapshot.objects.filter(month=board.month, organization_id__in=organization_ids)
            .select_related("organization"))
    found = {row.organization_id: (row.organization, row.figures.get(board.audience, {})) for row in rows}
    return [found[key] for key in organization_ids if key in found]


def ranking_page(board, number, per_page=RANKING_PAGE_SIZE):
    """A Paginator page of the organizations in listing order (a bad number gives the nearest page);
    its object_list is [(organization, figures)]."""
    page = Paginator(board.order, per_page).get_page(number)
    page.object_list = organization_rows(board, list(page.object_list))
    return page


def chart_rows(board):
    """The best-ranked organizations, for the bar chart and its table."""
    return organization_rows(board, [key for key, _rank, _score in board.ranking[:CHART_ORGANIZATIONS]])


def history(audience, organization=None):
    """[{"month", "taken", "score", "rank", "layers", "scores", "values"}] of every month with a snapshot, oldest first:
    the platform's (organization None) or one organization's. Only this audience's part of each row is read."""
    figures = KeyTransform(audience, "figures")
    return list(EvaluationSnapshot.objects.filter(organization=organization).order_by("month").values(
        "month", "taken", score=KeyTransform("score", figures), rank=KeyTransform("rank", figures),
        layers=KeyTransform("layers", figures), scores=KeyTransform("scores", figures),
        values=KeyTransform("values", figures)))
