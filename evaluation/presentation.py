"""Snapshot figures as people read them (pages, exports): values with their units, "no data", "not available",
the indicators grouped by layer, and what the charts draw."""
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from datasets.models import OpenGrade, Theme
from organizations.models import Organization

from . import months
from .indicators import LAYERS, for_audience
from .scoring import LAYER_WEIGHTS


def no_data():
    return _("无数据")


def not_available():
    return _("暂不可用")


def platform_only():
    return _("仅全平台统计")


class Labels:
    """Names of the breakdowns' keys (grades, top-level themes) in the page's language, read once."""

    def __init__(self):
        self.grades = dict(OpenGrade.choices)
        self.themes = {theme.code: theme.name for theme in Theme.objects.filter(parent__isnull=True)}

    def key(self, code, value):
        return str(self.grades.get(value) or self.themes.get(value) or value)


def number(value):
    return number_format(value, force_grouping=True)


def text(item, value, labels, organization=False):
    """One indicator's value as shown: with its unit; a breakdown as "name n · name n"."""
    if not item.available:
        return not_available()
    if organization and not item.per_organization:
        return platform_only()
    if value is None:
        return no_data()
    if isinstance(value, dict):
        suffix = "%" if item.unit == "percent" else ""
        return " · ".join(f"{labels.key(item.code, key)} {number(count)}{suffix}" for key, count in value.items()) \
            or no_data()
    if item.unit == "percent":
        return f"{number(value)}%"
    return f"{number(value)} {item.unit_label}"


def score_text(score):
    return no_data() if score is None else number(score)


@dataclass
class Row:
    item: object
    text: str
    score: object
    platform_text: str = ""


def layer_sections(audience, figures, labels, platform=None):
    """[{"code", "label", "weight", "score", "rows"}] of the four layers: each indicator of the audience with
    its value (and the platform's beside an organization's when `platform` is given)."""
    values, scores = figures.get("values", {}), figures.get("scores", {})
    organization = platform is not None
    sections = []
    for layer, label in LAYERS.items():
        rows = [Row(item, text(item, values.get(item.code), labels, organization), scores.get(item.code),
                    text(item, platform["values"].get(item.code), labels) if organization else "")
                for item in for_audience(audience) if item.layer == layer]
        sections.append({"code": layer, "label": label, "weight": LAYER_WEIGHTS[layer],
                         "score": figures.get("layers", {}).get(layer), "rows": rows})
    return sections


def layer_names():
    return [str(label) for label in LAYERS.values()]


def radar(series):
    """ECharts radar data: [(name, figures)] drawn over the four layers (a missing score is drawn as 0;
    the table beside the chart says "no data")."""
    return {"indicators": layer_names(),
            "series": [{"name": str(name), "values": [(figures.get("layers") or {}).get(layer) or 0
                                                      for layer in LAYERS]} for name, figures in series]}


def bars(rows):
    """The ranked organizations' composite scores, best first."""
    return {"labels": [organization.name for organization, _figures in rows],
            "values": [figures.get("score") for _organization, figures in rows], "name": _("综合得分")}


def trend(history):
    """Month by month: the composite and each layer's score."""
    return {"labels": [months.label(row["month"]) for row in history],
            "series": [{"name": _("综合得分"), "values": [row["score"] for row in history]}]
            + [{"name": str(label), "values": [(row["layers"] or {}).get(layer) for row in history]}
               for layer, label in LAYERS.items()]}


def organization_name(organization):
    return organization.name if isinstance(organization, Organization) else _("全平台")
