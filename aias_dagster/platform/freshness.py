"""How old data may get before the UI flags it: the nightly run lands every day by about 03:00 UTC."""

from datetime import UTC, date, datetime, time, timedelta

import dagster as dg

# A day's data is expected within a day and a bit; two days without an update is a failure.
DAILY_WARN_AFTER = timedelta(hours=30)
DAILY_FAIL_AFTER = timedelta(hours=48)
DAILY_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=DAILY_FAIL_AFTER, warn_window=DAILY_WARN_AFTER)
FRESH_SCHEMAS = ("marts",)


def with_mart_freshness(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Marts carry the daily freshness policy; staging and intermediate follow from them."""
    if spec.key.path[0] in FRESH_SCHEMAS:
        return spec.replace_attributes(freshness_policy=DAILY_FRESHNESS)
    return spec


def data_end(newest_day: date) -> datetime:
    """Data of delivery day D is complete at the end of D (UTC): the age of data counts from there."""
    return datetime.combine(newest_day + timedelta(days=1), time(), tzinfo=UTC)


def stale_since(newest_day: date, fail_after: timedelta = DAILY_FAIL_AFTER) -> datetime:
    """When data whose newest delivery day is `newest_day` became stale (the same rule as the pages' banner)."""
    return data_end(newest_day) + fail_after


def is_stale(newest_day: date, now: datetime, fail_after: timedelta = DAILY_FAIL_AFTER) -> bool:
    return now >= stale_since(newest_day, fail_after)
