"""Server-rendered SVG charts: no script, no CDN, nothing a Content-Security-Policy has to allow."""
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 200
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 48, 24, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    show_label: bool


def _nice_ceiling(value):
    """A round axis maximum at or above `value` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude


def bar_chart(points):
    """Geometry of a bar chart of [(label, value)] for templates/apikeys/includes/bar_chart.svg."""
    top = _nice_ceiling(max((value for _label, value in points), default=0))
    plot_width, plot_height = WIDTH - MARGIN_LEFT, HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / max(1, len(points))
    every = max(1, len(points) // 10)  # about ten axis labels, whatever the period
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top
        bars.append(Bar(x=round(MARGIN_LEFT + index * slot + slot * 0.1, 1),
                        y=round(MARGIN_TOP + plot_height - height, 1), width=round(slot * 0.8, 1),
                        height=round(height, 1), label=label, value=value, show_label=index % every == 0))
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "top": top, "baseline": HEIGHT - MARGIN_BOTTOM,
            "left": MARGIN_LEFT, "margin_top": MARGIN_TOP, "label_y": HEIGHT - 6}
