"""Inline SVG charts for the HTML report: drawn here, no script, no external resource.

The SVG is meant to sit inside an HTML page (no ``xmlns``: the HTML parser puts
``<svg>`` in the SVG namespace itself), so the report holds no URL at all.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Final

__all__ = ["bar_chart", "column_chart"]

_WIDTH: Final = 760
_LABEL_WIDTH: Final = 220
_VALUE_WIDTH: Final = 70
_BAR: Final = 18
_ROW: Final = 24
_TOP: Final = 28
_COLOUR: Final = "#2f6fb0"
_GRID: Final = "#d0d7de"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _label(value: float | None, share: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}" if share else f"{value:,.0f}"


def _clip(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float | None], *, share: bool
) -> str:
    """Horizontal bars, one per label; shares on a 0–100% axis, counts up to the largest."""
    top = max((value or 0 for value in values), default=0)
    scale = 1.0 if share else float(top or 1)
    plot = _WIDTH - _LABEL_WIDTH - _VALUE_WIDTH
    height = _TOP + _ROW * len(labels) + 24
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}"'
        f' role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>'
    ]
    ticks = (0, 0.25, 0.5, 0.75, 1) if share else (0, 0.5, 1)
    for tick in ticks:
        x = _LABEL_WIDTH + plot * tick
        shown = f"{tick:.0%}" if share else f"{scale * tick:,.0f}"
        parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{height - 20}"'
            f' stroke="{_GRID}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{_TOP - 10}" font-size="11" text-anchor="middle"'
            f' fill="#57606a">{_e(shown)}</text>'
        )
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = _TOP + _ROW * index
        width = plot * min(max((value or 0) / scale, 0), 1)
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + _BAR - 4}" font-size="12" text-anchor="end">'
            f"<title>{_e(label)}</title>{_e(_clip(label))}</text>"
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{_BAR}"'
            f' fill="{_COLOUR}"><title>{_e(label)}: {_e(_label(value, share))}</title></rect>'
            f'<text x="{_LABEL_WIDTH + width + 6:.1f}" y="{y + _BAR - 4}" font-size="12">'
            f"{_e(_label(value, share))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> str:
    """Vertical columns side by side (a histogram of counts)."""
    height, bottom, left = 300, 250, 50
    top = max(values, default=0) or 1
    plot_width = _WIDTH - left - 20
    step = plot_width / max(len(values), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}"'
        f' role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>',
        f'<line x1="{left}" y1="{bottom}" x2="{_WIDTH - 20}" y2="{bottom}" stroke="#57606a"/>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        column = (bottom - 30) * value / top
        x = left + step * index
        parts.append(
            f'<rect x="{x + step * 0.08:.1f}" y="{bottom - column:.1f}"'
            f' width="{step * 0.84:.1f}" height="{column:.1f}" fill="{_COLOUR}">'
            f"<title>{_e(label)}: {value:,}</title></rect>"
            f'<text x="{x + step / 2:.1f}" y="{bottom - column - 5:.1f}" font-size="12"'
            f' text-anchor="middle">{value:,}</text>'
            f'<text x="{x + step / 2:.1f}" y="{bottom + 18}" font-size="12"'
            f' text-anchor="middle">{_e(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
