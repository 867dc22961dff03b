"""The registry of asset groups: the five loops, and the platform groups beside them.

A group is named once here, with its owner and title; its Python (definitions, report, page) is found in
`aias_dagster/<name>/` by convention and imported by name only when used. The Dagster groups of dbt models
come from the dbt folder a model sits in (models/<layer>/<group>/, seeds/<group>/); a folder that is not a
group here fails the code location's load, so a new folder is never filed under a fallback by accident.
tests/test_loop_contract.py checks that the registry, the folders and the scorecard's seed agree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

DATA_ENGINEERING = "team:data-engineering"


PACKAGE = "aias_dagster"


@dataclass(frozen=True)
class Group:
    """One Dagster asset group. Its Python is found by convention in `aias_dagster/<name>/`:
    `definitions.py` with `build_defs(ctx)` (`has_folder`), `report.py` with `report(conn) -> str`, the
    summary `aias demo` prints (`report`), and `page.py` with `PAGE`, its dashboard page (`page`)."""

    name: str
    owner: str
    title: str
    is_loop: bool = False
    report: bool = False
    page: bool = False
    has_folder: bool = True  # False for a group of dbt models only (shared)

    def module(self, name: str) -> str:
        return f"{PACKAGE}.{self.name}.{name}"

    def load_report(self) -> Callable[[psycopg.Connection], str] | None:
        """The report function, imported on first use so the registry itself imports nothing heavy."""
        return importlib.import_module(self.module("report")).report if self.report else None

    def load_page(self) -> Any:
        """The dashboard page, imported on first use (a `Page`; typed Any so this module imports nothing)."""
        return importlib.import_module(self.module("page")).PAGE if self.page else None


def loop(name: str, owner: str, title: str) -> Group:
    """A loop: a group with a folder, a report and a page of its own."""
    return Group(name, owner, title, is_loop=True, report=True, page=True)


# Owners as the original analysis assigned them.
LOOP_GROUPS: tuple[Group, ...] = (
    loop("acquisition", DATA_ENGINEERING, "Acquisition: CAC by channel"),
    loop("product", "team:product", "Product: feature adoption"),
    loop("support", "team:support", "Support: ticket categories and SLAs"),
    loop("billing", "team:engineering", "API billing: metering and invoices"),
    loop("reliability", "team:engineering", "Reliability: errors, auto-fixes and MTTR"),
)
INGEST = Group("ingest", DATA_ENGINEERING, "Landing files loaded into raw")
SHARED = Group("shared", DATA_ENGINEERING, "Entities every loop reads (customers, fx rates)", has_folder=False)
SCORECARD = Group("scorecard", DATA_ENGINEERING, "Each loop's KPI against its target", report=True)
DASHBOARDS = Group("dashboards", DATA_ENGINEERING, "The dashboard site")

GROUPS: dict[str, Group] = {g.name: g for g in (INGEST, SHARED, *LOOP_GROUPS, SCORECARD, DASHBOARDS)}
LOOPS: tuple[str, ...] = tuple(g.name for g in LOOP_GROUPS)
INGEST_GROUP = INGEST.name

# Folders of aias_dagster that build part of the code location but are no asset group of their own.
MACHINERY: tuple[str, ...] = ("platform", "transform", "orchestration")


def definition_folders() -> tuple[str, ...]:
    """Every folder whose `definitions.build_defs(ctx)` aias_dagster/definitions.py merges, in order."""
    return (*MACHINERY, *(g.name for g in GROUPS.values() if g.has_folder))


class UnknownGroupError(ValueError):
    """A dbt folder or asset names a group the registry does not know."""


def group(name: str) -> Group:
    try:
        return GROUPS[name]
    except KeyError:
        raise UnknownGroupError(
            f"{name!r} is not an asset group; add it to aias_dagster/platform/loops.py (known: {', '.join(GROUPS)})"
        ) from None
