"""The top 5 ticket categories of the last complete month, as `aias demo` prints it."""

from __future__ import annotations

import psycopg

from aias_dagster.platform.kpi import last_complete_month, loop_kpi
from aias_dagster.support.queries import MonthTopIssues, TopIssue, month_top_issues

__all__ = ["ARROWS", "MonthTopIssues", "TopIssue", "format_top_issues", "month_top_issues", "report"]


ARROWS = {"up": "↑", "down": "↓", "flat": "→", "new": "new", "unknown": ""}


def _change(issue: TopIssue) -> str:
    if issue.change is None:
        return "-"
    percent = "" if issue.change_percent is None else f" ({issue.change_percent:+.1f} %)"
    return f"{ARROWS[issue.trend]} {issue.change:+d}{percent}"


def format_top_issues(top: MonthTopIssues | None) -> str:
    """The KPI as a support lead reads it: the five largest categories, how they moved, and how much of the
    month the categorization covered (the uncategorized tickets are counted, never dropped)."""
    if top is None:
        return "  no complete month of support tickets yet"
    share = "-" if top.categorized_share is None else f"{top.categorized_share:.1%}"
    lines = [
        f"  Top 5 ticket categories, {top.month_start:%B %Y}: {top.tickets:,} tickets, {share} categorized "
        f"({top.uncategorized:,} uncategorized)",
        f"  {'rank':<6}{'category':<20}{'tickets':>8}{'share':>8}  {'vs month before':<22}{'rank then':>9}",
    ]
    for i in top.issues:
        share_text = "-" if i.share is None else f"{i.share:.1%}"
        then = "-" if i.previous_rank is None else str(i.previous_rank)
        lines.append(f"  {i.rank:<6}{i.category:<20}{i.tickets:>8,}{share_text:>8}  {_change(i):<22}{then:>9}")
    return "\n".join(lines)


def report(conn: psycopg.Connection) -> str:
    """The loop's summary for `aias demo` (registered in aias_dagster/platform/loops.py)."""
    month = last_complete_month(conn, "support")
    kpi = loop_kpi(conn, "support")
    top = format_top_issues(None if month is None else month_top_issues(conn, month))
    return top + (f"\n  KPI: {kpi.describe()}" if kpi else "")
