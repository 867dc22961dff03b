"""Pure pieces of orchestration: partition windows, run tags, range checks, dbt arguments, transient errors."""

from datetime import UTC, date, datetime

import dagster as dg
import psycopg
import pytest

from aias_dagster.billing.cli import describe_close
from aias_dagster.orchestration.runs import PipelineError, RunOutcome, check_days, partition_tags
from aias_dagster.platform.partitions import delivery_partitions, partition_bounds, partitions_start, window_days
from aias_dagster.platform.retries import backoff_seconds, is_transient
from aias_dagster.transform.assets import DbtBuild, dbt_build

PARTITIONS = delivery_partitions(date(2026, 3, 1))


def test_a_backfill_window_covers_every_day_of_the_range() -> None:
    window = dg.TimeWindow(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))
    assert window_days(window) == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]


def test_run_tags_for_one_day_are_a_partition_and_for_several_a_range() -> None:
    assert partition_tags(date(2026, 3, 1), date(2026, 3, 1)) == {"dagster/partition": "2026-03-01"}
    assert partition_tags(date(2026, 3, 1), date(2026, 3, 3)) == {
        "dagster/asset_partition_range_start": "2026-03-01",
        "dagster/asset_partition_range_end": "2026-03-03",
        "delivery_days": "2026-03-01 to 2026-03-03",  # shown on the run's page, unlike Dagster's own range tags
    }


def test_partitions_start_at_the_first_delivery_day_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIAS_PARTITIONS_START", raising=False)
    assert partitions_start(date(2026, 9, 2)) == date(2026, 9, 2)
    monkeypatch.setenv("AIAS_PARTITIONS_START", "2026-01-01")
    assert partitions_start(date(2026, 9, 2)) == date(2026, 1, 1)
    assert partition_bounds(PARTITIONS)[0] == date(2026, 3, 1)  # type: ignore[index]


def test_a_range_outside_the_partitions_is_refused_before_any_run() -> None:
    with pytest.raises(PipelineError, match=r"--from 2020-01-01 is before the first partition, 2026-03-01"):
        check_days(PARTITIONS, date(2020, 1, 1), date(2026, 3, 2))
    with pytest.raises(PipelineError, match=r"--to 2099-01-01 is after the last partition"):
        check_days(PARTITIONS, date(2026, 3, 1), date(2099, 1, 1))
    with pytest.raises(PipelineError, match=r"--from 2099-01-01 is after the last partition"):
        check_days(PARTITIONS, date(2099, 1, 1), date(2099, 1, 1))  # --from alone: --to is the same day
    with pytest.raises(PipelineError, match=r"--to 2026-03-01 is before --from 2026-03-02"):
        check_days(PARTITIONS, date(2026, 3, 2), date(2026, 3, 1))
    check_days(PARTITIONS, date(2026, 3, 1), date(2026, 3, 2))


def test_dbt_build_takes_the_window_from_the_environment_not_from_vars() -> None:
    window = (date(2026, 3, 1), date(2026, 3, 2))
    args = ["build", "--exclude-resource-type", "unit_test"]
    no_window = {"AIAS_WINDOW_MIN_DATE": "", "AIAS_WINDOW_MAX_DATE": ""}
    assert dbt_build(window) == DbtBuild(
        args, {"AIAS_WINDOW_MIN_DATE": "2026-03-01", "AIAS_WINDOW_MAX_DATE": "2026-03-02"}
    )
    assert dbt_build(None) == DbtBuild(args, no_window)
    assert dbt_build(window, full_refresh=True) == DbtBuild([*args, "--full-refresh"], no_window)


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


def test_a_summary_names_the_tests_that_warned_and_a_close_says_what_it_wrote() -> None:
    # The demo's summary said "2 warned" and left the reader to search the run for which.
    outcome = RunOutcome(
        "r1", "nightly", (), 10, 0, 2, warned_checks=("marts/cac_monthly cac_interval", "raw/customers freshness")
    )
    assert outcome.describe() == (
        "0 models built, 10 tests passed, 2 warned (marts/cac_monthly cac_interval, raw/customers freshness), 0 failed"
    )
    closed = {"billing/invoices": {"months_closed": 2, "invoices": 1234}}
    assert describe_close(closed, date(2026, 2, 1)) == "2 months closed, 1,234 invoices written"
