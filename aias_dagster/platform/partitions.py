"""The daily partitions every raw load and incremental model shares: UTC delivery days.

Partitions start at the first delivery day of the landing folder (ingest/partitions.py), so the UI
shows no partition that can never be filled (a world that starts 2026-09-02 has no partitions in 2025).
`AIAS_PARTITIONS_START` sets the start by hand, for a landing folder that is filled later or elsewhere.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, date, datetime, timedelta

import dagster as dg

PARTITIONS_START_ENV = "AIAS_PARTITIONS_START"


class PartitionsStartError(ValueError):
    """AIAS_PARTITIONS_START is set but is not a date."""


def partitions_start(first_delivery: date | None) -> date:
    """AIAS_PARTITIONS_START when set, else the first delivery day, else yesterday (an empty landing folder)."""
    configured = os.environ.get(PARTITIONS_START_ENV)
    if configured:
        try:
            return date.fromisoformat(configured)
        except ValueError:
            raise PartitionsStartError(f"{PARTITIONS_START_ENV}={configured!r}: expected YYYY-MM-DD") from None
    return first_delivery or yesterday_utc()


def yesterday_utc() -> date:
    """The last complete UTC day: the newest partition, and the default end of a sample world."""
    return datetime.now(UTC).date() - timedelta(days=1)


@functools.cache
def delivery_partitions(start: date) -> dg.DailyPartitionsDefinition:
    """One partition per UTC delivery day from start to the last complete day (yesterday)."""
    return dg.DailyPartitionsDefinition(start_date=start.isoformat(), timezone="UTC")


def window_days(window: dg.TimeWindow) -> list[date]:
    """The UTC days a partition window covers (one for a nightly run, many for a single-run backfill)."""
    first = window.start.date()
    last = (window.end - timedelta(microseconds=1)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def day_key(day: date | datetime) -> str:
    return day.strftime("%Y-%m-%d")


def partition_window(context: dg.AssetExecutionContext) -> tuple[date, date] | None:
    """The half-open window [first, end) of delivery days a run covers, or None for an unpartitioned run.

    A nightly run covers one partition; a single-run backfill a range. An unpartitioned asset in such
    a run (a dbt view, a mart table) still sees the run's window, so its data tests check the same days.
    """
    # A one-partition run (the nightly schedule, a UI launch of one day) has a key but no range tags.
    if not (context.has_partition_key_range or context.has_partition_key):
        return None
    window = context.partition_time_window
    return window.start.date(), window.end.date()


def partition_bounds(partitions: dg.DailyPartitionsDefinition) -> tuple[date, date] | None:
    """The first and last partition day, or None when none has ended yet."""
    first, last = partitions.get_first_partition_key(), partitions.get_last_partition_key()
    if first is None or last is None:
        return None
    return date.fromisoformat(first), date.fromisoformat(last)
