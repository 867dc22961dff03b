"""Plotly figures as plain dicts, with one look for every page: axis titles, a legend, sizes for phones.

A page's function builds its figures with these helpers and returns them as `Chart`s; the page embeds
each as JSON and the site's script draws it with the bundled plotly.js. Numbers go in as floats (the
chart's geometry) and as formatted text (what the hover label says), so a hover shows the same
"$412.3" as the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

# Tableau 10 without its grey: ten series stay apart; grey is kept for "none" (the unattributed bucket).
PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F")
MUTED = "#999999"
TARGET_COLOUR = "#D55E00"
PROVISIONAL_FILL = "rgba(230, 159, 0, 0.14)"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
HEIGHT = 380

Value = Decimal | int | float | None


def number(value: Value) -> float | None:
    """A mart value as a chart coordinate (None stays a gap: Plotly draws nothing there)."""
    return None if value is None else float(value)


def iso(value: date) -> str:
    return value.isoformat()


def colours(names: Iterable[str], muted: Sequence[str] = ("unattributed",)) -> dict[str, str]:
    """A colour per name, the same on every chart of a page; `muted` names are grey."""
    result: dict[str, str] = {}
    for name in names:
        if name in result:
            continue
        result[name] = MUTED if name in muted else PALETTE[len([n for n in result if n not in muted]) % len(PALETTE)]
    return result


def axis(title: str, tickformat: str | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"title": {"text": title}, "automargin": True, "zeroline": False, **extra}
    if tickformat:
        spec["tickformat"] = tickformat
    return spec


def layout(x: dict[str, Any], y: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The shared layout: a horizontal legend above the plot, clear of the x axis' title, that wraps on a
    phone instead of squeezing the plot."""
    return {
        "height": HEIGHT,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "font": {"family": FONT, "size": 13, "color": "#222222"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"gridcolor": "#eeeeee", **x},
        "yaxis": {"gridcolor": "#eeeeee", "rangemode": "tozero", **y},
        **extra,
    }


def bar(name: str, x: Sequence[Any], y: Sequence[Value], hover: Sequence[str], colour: str, **extra: Any) -> dict:
    """Bars with the formatted value as the hover text."""
    return {
        "type": "bar",
        "name": name,
        "x": list(x),
        "y": [number(v) for v in y],
        "text": list(hover),
        "hovertemplate": "%{x}<br>%{text}<extra>" + name + "</extra>",
        "textposition": "none",
        "marker": {"color": colour},
        **extra,
    }


def line(name: str, x: Sequence[Any], y: Sequence[Value], hover: Sequence[str], colour: str, **extra: Any) -> dict:
    """A line with markers; a gap where a value is missing (connectgaps off), so no month is invented."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": list(x),
        "y": [number(v) for v in y],
        "text": list(hover),
        "hovertemplate": "%{x}<br>%{text}<extra>" + name + "</extra>",
        "line": {"color": colour, "width": 2},
        "marker": {"color": colour, "size": 8},
        "connectgaps": False,
        **extra,
    }


def target_line(value: float, label: str, axis_ref: str = "y") -> tuple[dict[str, Any], dict[str, Any]]:
    """A horizontal dashed line across the plot at `value`, and its label (a shape and an annotation)."""
    shape = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": axis_ref,
        "y0": value,
        "y1": value,
        "line": {"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
    }
    note = {
        "xref": "paper",
        "x": 1,
        "xanchor": "right",
        "yref": axis_ref,
        "y": value,
        "yanchor": "bottom",
        "text": label,
        "showarrow": False,
        "font": {"color": TARGET_COLOUR},
    }
    return shape, note


def provisional_band(first: date, last: date, label: str = "provisional") -> tuple[dict[str, Any], dict[str, Any]]:
    """A shaded band over provisional days first..last (whole days), and its label at the top."""
    shape = {
        "type": "rect",
        "xref": "x",
        "x0": f"{iso(first)}T00:00:00",
        "x1": f"{iso(last)}T23:59:59",
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "fillcolor": PROVISIONAL_FILL,
        "line": {"width": 0},
        "layer": "below",
    }
    note = {
        "xref": "x",
        "x": f"{iso(last)}T23:59:59",
        "xanchor": "right",
        "yref": "paper",
        "y": 1,
        "yanchor": "top",
        "text": label,
        "showarrow": False,
        "font": {"size": 11, "color": "#8a5a00"},
    }
    return shape, note
