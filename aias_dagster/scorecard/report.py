"""The scorecard as `aias demo` prints it, after the loops' own reports."""

from __future__ import annotations

import psycopg

from aias_dagster.dashboards.scorecard import ScorecardRow, amount, read_scorecard, status_text, target_text


def format_scorecard(rows: list[ScorecardRow]) -> str:
    if not rows:
        return "  the scorecard is empty: run the nightly build"
    lines = [f"  {'loop':<13}{'month':<10}{'value':>10}  {'target':<11}{'status':<40}{'delay before':>13}{'now':>10}"]
    for r in rows:
        month = f"{r.month_start:%Y-%m}" if r.month_start else "-"
        age = "-" if r.data_age_days is None else f"{r.data_age_days} d"
        lines.append(
            f"  {r.loop:<13}{month:<10}{amount(r.value, r.unit):>10}  {target_text(r):<11}{status_text(r):<40}"
            f"{r.original_delay_days + ' d':>13}{age:>10}"
        )
    return "\n".join(lines)


def report(conn: psycopg.Connection) -> str:
    """Registered as the scorecard group's report in aias_dagster/platform/loops.py."""
    return "  Scorecard, each loop's last complete month:\n" + format_scorecard(read_scorecard(conn))
