"""What a dashboard page is: the marts it reads, the function that reads them, the template that shows them.

A loop adds its page by writing one `PAGE = Page(...)` in its own folder (`aias_dagster/<loop>/page.py`)
and a Jinja2 template beside it; the registry (`platform/loops.py`) finds it there by convention.
Everything else (the Dagster asset downstream of the marts, the file, the chart
library, the index, the freshness banner) is the site's machinery and the same for every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.platform.freshness import DAILY_FAIL_AFTER, DAILY_WARN_AFTER

PAGE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
CHART_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Freshness:
    """How old a page's data may get, measured from the end of its newest delivery day.

    A delivery day D is complete at midnight after D; the nightly run builds it at about 02:00, so a
    page that is kept up is 2 to 26 hours old. Past `warn` (30 h) the nightly run that should have updated
    it did not; past `fail` (48 h) it is more than a day behind.
    """

    warn: timedelta
    fail: timedelta

    @classmethod
    def daily(cls) -> Freshness:
        """The marts' own policy (platform/freshness.py), so the page and its marts agree on "late"."""
        return cls(warn=DAILY_WARN_AFTER, fail=DAILY_FAIL_AFTER)

    def verdict(self, as_of: date | None, now: datetime) -> str:
        """ "fresh", "late" (past warn), "stale" (past fail) or "empty" (no data yet) at the moment `now`."""
        if as_of is None:
            return "empty"
        age = now - data_complete_at(as_of)
        if age > self.fail:
            return "stale"
        return "late" if age > self.warn else "fresh"


def data_complete_at(as_of: date) -> datetime:
    """The moment a delivery day's data is complete: midnight UTC after it."""
    return datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=UTC)


@dataclass(frozen=True)
class Chart:
    """One Plotly figure: `data` (traces) and `layout` as plain JSON-able dicts, shown under `title`.

    Plain dicts, not plotly.graph_objects: the page embeds exactly what it was given (no template of
    several kilobytes per chart), and tests validate every figure against Plotly's schema instead.
    """

    id: str
    title: str
    data: list[dict[str, Any]]
    layout: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # one line under the chart: what to read in it
    # One point or bar per month: such a chart marks the month in progress (charts.mark_in_progress), and the
    # page says so to the browser test (data-monthly).
    monthly: bool = False

    def __post_init__(self) -> None:
        if not CHART_ID.match(self.id):
            raise ValueError(f"chart id {self.id!r}: lower case letters, digits and '-' only")

    def marks(self) -> int:
        """The marks the chart draws, as the browser test counts them: a bar per non-zero value, a marker
        per value of a trace with markers (a line alone is no countable mark)."""
        return sum(trace_marks(trace) for trace in self.data)


def trace_marks(trace: dict[str, Any]) -> int:
    values = [y for y in trace.get("y", []) if y is not None]
    if trace.get("type") == "bar":
        return sum(1 for y in values if y != 0)
    return len(values) if "markers" in trace.get("mode", "markers") else 0


@dataclass(frozen=True)
class PageData:
    """What a page's function returns: everything its template shows, read from its marts."""

    as_of: date | None  # the newest delivery day behind the numbers ("data as of"); None: no data yet
    summary: str  # one line for the index, e.g. "March 2026: blended CAC $412.3, coverage 81.2%"
    context: Mapping[str, Any] = field(default_factory=dict)  # what the template reads, by name
    charts: tuple[Chart, ...] = ()
    # Further files of the page, by path relative to the site ("billing/invoices/<id>.html"), e.g. documents
    # the page links to; written beside it, only when their bytes change.
    files: Mapping[str, str] = field(default_factory=dict)

    def chart(self, chart_id: str) -> Chart:
        for chart in self.charts:
            if chart.id == chart_id:
                return chart
        raise KeyError(f"no chart {chart_id!r} (charts: {', '.join(c.id for c in self.charts)})")


@dataclass(frozen=True)
class Page:
    """One page of the site, built by one Dagster asset (`dashboards/<name>`) from exactly `marts`."""

    name: str  # the file (<name>.html) and the asset key (dashboards/<name>)
    title: str
    group: str  # the loop's group in platform/loops.py: the asset's owner, the index's order
    marts: tuple[str, ...]  # the marts it reads (asset keys marts/<name>), and no other table
    build: Callable[[psycopg.Connection], PageData]
    template: Path  # a Jinja2 template that extends "page.html.j2"
    description: str = ""
    freshness: Freshness = field(default_factory=Freshness.daily)
    # Non-mart assets the page also reads, as asset keys "a/b" (a loop's own ledger, say "billing/invoices"),
    # so the page stays downstream of everything it reads. Most pages read marts only.
    upstream: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not PAGE_NAME.match(self.name):
            raise ValueError(f"page name {self.name!r}: lower case letters, digits and '_' only")
        if not self.marts:
            raise ValueError(f"page {self.name!r} reads no mart: name the marts it reads")
        if not self.template.is_file():
            raise ValueError(f"page {self.name!r}: template {self.template} does not exist")

    @property
    def file_name(self) -> str:
        return f"{self.name}.html"
