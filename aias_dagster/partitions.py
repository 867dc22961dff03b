"""The daily partitions every raw load and large fact shares (UTC delivery days)."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import dagster as dg

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
