"""How old data may get before the UI flags it: the nightly run lands every day by about 03:00 UTC."""

from datetime import timedelta

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
