"""Accessible bar charts as inline SVG (no script, DSFR colours); every chart is shown with its data table."""

from dataclasses import dataclass

BLUE = "#000091"
WIDTH, HEIGHT, GAP = 640, 180, 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int | float


def bars(points: list[tuple[str, float | None]]) -> list[Bar]:
    values = [v for _, v in points if v is not None]
    top = max(values) if values else 0
    if not points:
        return []
    width = WIDTH / len(points)
    result = []
    for index, (label, value) in enumerate(points):
        height = 0 if not top or value is None else HEIGHT * value / top
        result.append(Bar(index * width + GAP / 2, HEIGHT - height, max(width - GAP, 1), height, label, value or 0))
    return result
