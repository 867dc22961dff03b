"""The chart pieces every page shares: the target line from the scorecard and the month in progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from aias_dagster.dashboards import charts
from aias_dagster.platform.kpi import LoopKpi

MARCH, FEBRUARY = date(2026, 3, 1), date(2026, 2, 1)


def kpi(target: str, comparison: str = "at_least", unit: str = "share") -> LoopKpi:
    return LoopKpi("support", FEBRUARY, "categorized share", Decimal("0.9"), Decimal(target), comparison, unit,
                   "green", None)  # fmt: skip


def test_the_target_line_sits_at_the_scorecards_target_and_says_its_comparison() -> None:
    shapes, notes = charts.kpi_target(kpi("0.05", "at_most"))
    assert [(s["y0"], s["y1"], s["line"]["dash"]) for s in shapes] == [(0.05, 0.05, "dash")]
    assert [n["text"] for n in notes] == ["Target <= 5.0%"]


def test_no_scorecard_row_draws_no_target_line() -> None:
    assert charts.kpi_target(None) == ([], [])


def test_only_a_month_the_marts_flag_incomplete_is_in_progress() -> None:
    complete = {FEBRUARY: True, MARCH: False}
    assert charts.month_in_progress([FEBRUARY, MARCH], complete) == MARCH
    assert charts.month_in_progress([FEBRUARY], complete) is None
    # A month the mart does not hold is not declared in progress by a date rule.
    assert charts.month_in_progress([date(2026, 4, 1)], complete) is None


def test_the_month_in_progress_is_labelled_so() -> None:
    assert charts.month_label(MARCH, MARCH) == "Mar 2026 (in progress)"
    assert charts.month_label(FEBRUARY, MARCH) == "Feb 2026"


def test_marking_a_month_in_progress_fades_its_marks_and_bands_it() -> None:
    x = [FEBRUARY.isoformat(), MARCH.isoformat()]
    bars = charts.bar("Tickets", x, [10, 3], ["10", "3"], "#000000")
    target = charts.line("Target", x, [5, 5], ["5", "5"], "#000000", mode="lines")
    data, layout = charts.mark_in_progress([bars, target], charts.layout(charts.month_axis(), charts.axis("n")), MARCH)
    assert data[0]["marker"]["opacity"] == [1, charts.IN_PROGRESS_OPACITY]
    assert "opacity" not in data[1].get("marker", {})  # a plain line has no marks to fade
    (band,), (label,) = layout["shapes"], layout["annotations"]
    assert band["type"] == "rect" and band["x0"] < MARCH.isoformat() < band["x1"]
    assert label["text"] == "Mar 2026 (in progress)"


def test_a_chart_of_complete_months_is_left_as_it_was() -> None:
    bars = [charts.bar("Tickets", [FEBRUARY.isoformat()], [10], ["10"], "#000000")]
    layout = charts.layout(charts.month_axis(), charts.axis("n"))
    assert charts.mark_in_progress(bars, layout, None) == (bars, layout)
