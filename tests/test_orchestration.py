"""Pure pieces of orchestration: partition windows, dbt arguments, what counts as transient."""

from datetime import date

import psycopg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from aias_dagster.partitions import delivery_window
from aias_dagster.retries import backoff_seconds, is_transient
from aias_dagster.runner import partition_tags
from aias_dagster.transform.assets import dbt_build_args


def test_a_nightly_partition_is_one_delivery_day() -> None:
    assert delivery_window({PARTITION_NAME_TAG: "2026-03-05"}) == (date(2026, 3, 5), date(2026, 3, 6))


def test_a_backfill_range_covers_both_ends() -> None:
    tags = {ASSET_PARTITION_RANGE_START_TAG: "2026-03-01", ASSET_PARTITION_RANGE_END_TAG: "2026-03-03"}
    assert delivery_window(tags) == (date(2026, 3, 1), date(2026, 3, 4))
    assert delivery_window({}) is None


def test_run_tags_for_one_day_are_a_partition_and_for_several_a_range() -> None:
    assert partition_tags(date(2026, 3, 1), date(2026, 3, 1)) == {PARTITION_NAME_TAG: "2026-03-01"}
    assert delivery_window(partition_tags(date(2026, 3, 1), date(2026, 3, 3))) == (date(2026, 3, 1), date(2026, 3, 4))


def test_dbt_build_takes_the_window_as_vars() -> None:
    window = (date(2026, 3, 1), date(2026, 3, 2))
    build = ["build", "--exclude-resource-type", "unit_test"]
    assert dbt_build_args(window) == [*build, "--vars", '{"min_date": "2026-03-01", "max_date": "2026-03-02"}']
    assert dbt_build_args(None) == build
    assert dbt_build_args(window, full_refresh=True) == [*build, "--full-refresh"]


def test_connection_loss_and_timeouts_are_transient_but_bad_data_is_not() -> None:
    assert is_transient(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert is_transient(RuntimeError("Database Error: canceling statement due to statement timeout"))
    assert not is_transient(psycopg.errors.InvalidTextRepresentation("invalid input syntax for type numeric"))
    assert not is_transient(ValueError("amount: must be >= 0"))


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap() -> None:
    import random

    rng = random.Random(1)
    samples = [backoff_seconds(n, rng) for n in range(8) for _ in range(50)]
    assert all(0 <= s <= 120 for s in samples)
    assert max(backoff_seconds(0, random.Random(i)) for i in range(50)) <= 5
    assert max(backoff_seconds(3, random.Random(i)) for i in range(50)) > 5
