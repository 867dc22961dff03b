"""The daily partitions every raw load and large fact shares (UTC delivery days)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

PARTITIONS_START_ENV = "AIAS_PARTITIONS_START"
DEFAULT_PARTITIONS_START = "2025-01-01"

DAILY = dg.DailyPartitionsDefinition(
    start_date=os.environ.get(PARTITIONS_START_ENV, DEFAULT_PARTITIONS_START),
    timezone="UTC",
)


def window_days(window: dg.TimeWindow) -> list[date]:
    """The UTC days a partition window covers (one for a nightly run, many for a single-run backfill)."""
    first = window.start.date()
    last = (window.end - timedelta(microseconds=1)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def day_key(day: date | datetime) -> str:
    return day.strftime("%Y-%m-%d")


def delivery_window(run_tags: Mapping[str, str]) -> tuple[date, date] | None:
    """The half-open window [first, end) of delivery days a run covers, from its partition tags.

    A nightly run carries one partition key; a single-run backfill carries a range. Unpartitioned
    assets in such a run (the dbt models) read the window from here to build incrementally.
    """
    start = run_tags.get(ASSET_PARTITION_RANGE_START_TAG)
    end = run_tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if start and end:
        return date.fromisoformat(start), date.fromisoformat(end) + timedelta(days=1)
    key = run_tags.get(PARTITION_NAME_TAG)
    if key:
        return date.fromisoformat(key), date.fromisoformat(key) + timedelta(days=1)
    return None
