"""Plotly figures as plain dicts, with one look for every page: axis titles, a legend, sizes for phones.

A page's function builds its figures with these helpers and returns them as `Chart`s; the page embeds
each as JSON and the site's script draws it with the bundled plotly.js. Numbers go in as floats (the
chart's geometry) and as formatted text (what the hover label says), so a hover shows the same
"$412.3" as the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from aias_dagster.dashboards.page import Chart
from aias_dagster.platform.kpi import LoopKpi

# Tableau 10 without its grey: ten series stay apart; grey is kept for "none" (the unattributed bucket).
PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F")
MUTED = "#999999"
TARGET_COLOUR = "#D55E00"
PROVISIONAL_FILL = "rgba(230, 159, 0, 0.14)"
PROVISIONAL_TEXT = "#8a5a00"
IN_PROGRESS = "in progress"
IN_PROGRESS_OPACITY = 0.4  # a month in progress: its marks drawn lighter, behind the provisional band
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


def kpi_target(kpi: LoopKpi | None, label: str = "Target") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The loop's target as the scorecard holds it (platform/kpi.loop_kpi), as a chart's shapes and annotations:
    none without a KPI row, so a page never draws a target of its own."""
    if kpi is None:
        return [], []
    shape, note = target_line(float(kpi.target), f"{label} {kpi.target_text}")
    return [shape], [note]


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
        "font": {"size": 11, "color": PROVISIONAL_TEXT},
    }
    return shape, note


def month_in_progress(months: Iterable[date], complete: Mapping[date, bool]) -> date | None:
    """The month among `months` that the marts flag as not complete (`is_complete_month` false); None when
    every month shown is complete. A month the mapping does not know is taken as complete: only the marts say
    a month is in progress, never a date rule here."""
    open_months = sorted(m for m in set(months) if complete.get(m) is False)
    return open_months[-1] if open_months else None


def month_label(month: date, in_progress: date | None) -> str:
    """ "Mar 2026", or "Mar 2026 (in progress)" for the month in progress."""
    text = f"{month:%b %Y}"
    return f"{text} ({IN_PROGRESS})" if month == in_progress else text


def month_axis(title: str = "Month", **extra: Any) -> dict[str, Any]:
    """The x axis of every monthly chart: a date axis with one tick a month, points at the months' first days."""
    return axis(title, "%b %Y", type="date", dtick="M1", **extra)


def in_progress_band(month: date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The provisional band over a month in progress on a month axis, and its label "Mar 2026 (in progress)".

    A monthly point (or bar) sits on its month's first day, so the band spans half a month either side of it.
    """
    first = month - timedelta(days=15)
    last = month + timedelta(days=15)
    shape, note = provisional_band(first, last, month_label(month, month))
    note["x"] = f"{iso(last)}T23:59:59"
    return shape, note


def in_progress_note(month: date) -> dict[str, Any]:
    """The label "Mar 2026 (in progress)" in the plot's top left corner, for a chart whose x axis is not months."""
    return {
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "paper",
        "y": 1,
        "yanchor": "top",
        "text": f"lighter: {month_label(month, month)}",
        "showarrow": False,
        "font": {"size": 11, "color": PROVISIONAL_TEXT},
    }


def lighter(trace: dict[str, Any], faded: Sequence[bool]) -> dict[str, Any]:
    """The trace with the points flagged in `faded` drawn lighter (per-point marker opacity)."""
    if not any(faded):
        return trace
    marker = dict(trace.get("marker", {}))
    marker["opacity"] = [IN_PROGRESS_OPACITY if f else 1 for f in faded]
    return {**trace, "marker": marker}


def mark_in_progress(
    data: list[dict[str, Any]], layout: dict[str, Any], month: date | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A monthly chart with its month in progress marked, the same on every page: the provisional band and its
    label over the month, and the month's points and bars drawn lighter. Traces whose x are ISO days (a month
    axis) are faded where x is the month; a chart without a month in progress is returned as it was."""
    if month is None:
        return data, layout
    key = iso(month)
    faded = [lighter(t, [x == key for x in t.get("x", [])]) if _has_marks(t) else t for t in data]
    shape, note = in_progress_band(month)
    marked = {
        **layout,
        "shapes": [*layout.get("shapes", []), shape],
        "annotations": [*layout.get("annotations", []), note],
    }
    return faded, marked


def monthly_chart(
    chart_id: str,
    title: str,
    data: list[dict[str, Any]],
    layout: dict[str, Any],
    in_progress: date | None,
    note: str = "",
) -> Chart:
    """A chart with a point or bar per month, its month in progress marked (mark_in_progress)."""
    marked, marked_layout = mark_in_progress(data, layout, in_progress)
    return Chart(id=chart_id, title=title, data=marked, layout=marked_layout, note=note, monthly=True)


def _has_marks(trace: dict[str, Any]) -> bool:
    return trace.get("type") == "bar" or "markers" in trace.get("mode", "markers")
