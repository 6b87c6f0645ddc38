"""From indicator values to scores, layer scores, a composite score and a ranking: the rule the page shows.

1. Each scored indicator becomes 0-100: a percentage or a 0-100 score as it is,
   an error rate as 100 minus it, a median decision time as 100 at 0 days down
   to 0 at DAYS_TO_ZERO days or more, and a volume (datasets, downloads or calls
   per dataset, enterprises, results) relative to the best organization on a
   log scale, 100 x ln(1 + value) / ln(1 + best), so one very large department
   does not flatten everyone else. The platform's score for a volume is the
   mean of its organizations' scores.
2. A layer's score is the mean of its indicators' scores; the composite is the
   layers' weighted mean (LAYER_WEIGHTS; readiness, out of scope, has none).
   An indicator without a value (no data, not available, platform-only) is left
   out and the others' weights are shared out among the rest.
3. Organizations with a composite are ranked by it (one decimal; equal scores
   share a rank); an organization with no data is not ranked.
"""
import math
import statistics

from django.utils.translation import gettext as _

from .indicators import DATA, INTERACTION, PLATFORM, USE, for_audience

LAYER_WEIGHTS = {DATA: 40, PLATFORM: 20, INTERACTION: 15, USE: 25}
DAYS_TO_ZERO = 30


def rule():
    """The rule above in the page's language, as the page, the API and the exports state it."""
    return [
        _("每项计分指标换算为 0–100 分：百分比和 0–100 的质量分按原值；质量问题率取 100 减去问题率；"
          "审核用时 0 天为 100 分，%(days)s 天及以上为 0 分，其间按比例；数量类指标（数据集数、平均下载和调用次数、"
          "企业数、成果数）与表现最好的部门相比，按对数计算：100 × ln(1 + 本部门数值) / ln(1 + 最高数值)。"
          "全平台的数量类得分取各部门得分的平均值。") % {"days": DAYS_TO_ZERO},
        _("每层得分为该层各计分指标得分的平均值；综合得分为各层得分的加权平均：数据层 %(data)s%%、"
          "平台层 %(platform)s%%、互动层 %(interaction)s%%、利用层 %(use)s%%（准备度不在评估之内，不计权重）。")
        % LAYER_WEIGHTS,
        _("没有数值的指标（无数据、暂不可用、仅全平台统计）不计入，其权重按比例分给其余指标。"),
        _("按综合得分（保留一位小数）排名，得分相同名次相同；没有数据的部门不参加排名。"),
    ]


def _absolute(kind, value):
    if kind == "open_share":
        value = value.get("open")
    if value is None:
        return None
    if kind == "inverse_share":
        return round(100 - value, 1)
    if kind == "days":
        return round(max(0.0, 100 * (1 - value / DAYS_TO_ZERO)), 1)
    return round(float(value), 1)  # "share", "points"


def _relative(values):
    """{key: 0-100} of volumes against the largest (log scale); all 0 when nobody has any."""
    best = max(values.values(), default=0)
    return {key: round(100 * math.log1p(value) / math.log1p(best), 1) if best > 0 else 0.0
            for key, value in values.items()}


def _mean(values):
    values = [value for value in values if value is not None]
    return round(statistics.fmean(values), 1) if values else None


def _composite(layers):
    weighted = [(LAYER_WEIGHTS[layer], score) for layer, score in layers.items() if score is not None]
    total = sum(weight for weight, _score in weighted)
    return round(sum(weight * score for weight, score in weighted) / total, 1) if total else None


def score(audience, values):
    """{entity: {"values", "scores", "layers", "score", "rank"}} from {entity: {code: value}}.

    The entity None is the platform; its figures also hold the "ranking": [[organization id, rank, score], ...].
    """
    scored = [item for item in for_audience(audience) if item.scoring and item.available]
    organizations = [key for key in values if key is not None]
    scores = {key: {} for key in values}
    for item in scored:
        if item.scoring == "relative":
            found = {key: values[key].get(item.code) for key in organizations}
            relative = _relative({key: value for key, value in found.items() if value is not None})
            for key, points in relative.items():
                scores[key][item.code] = points
            scores[None][item.code] = _mean(relative.values()) if values[None].get(item.code) is not None else None
        else:
            for key in values:
                value = values[key].get(item.code)
                scores[key][item.code] = None if value is None else _absolute(item.scoring, value)
    figures = {}
    for key in values:
        layers = {layer: _mean(scores[key].get(item.code) for item in scored if item.layer == layer)
                  for layer in LAYER_WEIGHTS}
        figures[key] = {"values": values[key], "scores": scores[key], "layers": layers,
                        "score": _composite(layers), "rank": None}
    ranked = sorted((key for key in organizations if figures[key]["score"] is not None),
                    key=lambda key: (-figures[key]["score"], key))
    for position, key in enumerate(ranked):
        previous = ranked[position - 1] if position else None
        same = previous is not None and figures[previous]["score"] == figures[key]["score"]
        figures[key]["rank"] = figures[previous]["rank"] if same else position + 1
    figures[None]["ranking"] = [[key, figures[key]["rank"], figures[key]["score"]] for key in ranked]
    return figures
