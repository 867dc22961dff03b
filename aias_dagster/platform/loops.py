"""The registry of asset groups: the five loops, and the platform groups beside them.

A group is named once here, with its owner and (for a loop) the report `aias demo` prints. The Dagster
groups of dbt models come from the dbt folder a model sits in (models/<layer>/<group>/, seeds/<group>/);
a folder that is not a group here fails the code location's load, so a new folder is never filed under
a fallback by accident.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

DATA_ENGINEERING = "team:data-engineering"


@dataclass(frozen=True)
class Group:
    """One Dagster asset group. `report` is "module:function", a function of a connection returning
    the loop's summary for `aias demo` (None where the group has none); `page` is "module:NAME", the
    group's dashboard page (a `dashboards.page.Page`; None where it has none)."""

    name: str
    owner: str
    title: str
    is_loop: bool = False
    report: str | None = None
    page: str | None = None

    def load_report(self) -> Callable[[psycopg.Connection], str] | None:
        """The report function, imported on first use so the registry itself imports nothing heavy."""
        if self.report is None:
            return None
        module, function = self.report.split(":")
        return getattr(importlib.import_module(module), function)

    def load_page(self) -> Any:
        """The dashboard page, imported on first use (a `Page`; typed Any so this module imports nothing)."""
        if self.page is None:
            return None
        module, name = self.page.split(":")
        return getattr(importlib.import_module(module), name)


# Owners as the original analysis assigned them.
LOOP_GROUPS: tuple[Group, ...] = (
    Group(
        "acquisition",
        DATA_ENGINEERING,
        "Acquisition: CAC by channel",
        True,
        "aias_dagster.acquisition.report:report",
        page="aias_dagster.acquisition.page:PAGE",
    ),
    Group(
        "product",
        "team:product",
        "Product: feature adoption",
        True,
        "aias_dagster.product.report:report",
        page="aias_dagster.product.page:PAGE",
    ),
    Group(
        "support",
        "team:support",
        "Support: ticket categories and SLAs",
        True,
        "aias_dagster.support.report:report",
        page="aias_dagster.support.page:PAGE",
    ),
    Group(
        "billing",
        "team:engineering",
        "API billing: metering and invoices",
        True,
        "aias_dagster.billing.report:report",
        page="aias_dagster.billing.page:PAGE",
    ),
    Group(
        "reliability",
        "team:engineering",
        "Reliability: errors, auto-fixes and MTTR",
        True,
        "aias_dagster.reliability.report:report",
        page="aias_dagster.reliability.page:PAGE",
    ),
)
INGEST = Group("ingest", DATA_ENGINEERING, "Landing files loaded into raw")
SHARED = Group("shared", DATA_ENGINEERING, "Entities every loop reads (customers, fx rates)")
SCORECARD = Group(
    "scorecard", DATA_ENGINEERING, "Each loop's KPI against its target", report="aias_dagster.scorecard.report:report"
)
DASHBOARDS = Group("dashboards", DATA_ENGINEERING, "The dashboard site")

GROUPS: dict[str, Group] = {g.name: g for g in (INGEST, SHARED, *LOOP_GROUPS, SCORECARD, DASHBOARDS)}
LOOPS: tuple[str, ...] = tuple(g.name for g in LOOP_GROUPS)
INGEST_GROUP = INGEST.name


class UnknownGroupError(ValueError):
    """A dbt folder or asset names a group the registry does not know."""


def group(name: str) -> Group:
    try:
        return GROUPS[name]
    except KeyError:
        raise UnknownGroupError(
            f"{name!r} is not an asset group; add it to aias_dagster/platform/loops.py (known: {', '.join(GROUPS)})"
        ) from None
