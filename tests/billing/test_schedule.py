"""When a month may close: the grace period, the schedule's catch-up, and `aias run billing`'s refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aias_dagster.billing.cli import close_run, last_closable_month
from aias_dagster.billing.close import MonthNotClosableError, closable_at
from aias_dagster.billing.schedules import months_to_close
from aias_dagster.billing.settings import GRACE_DAYS_ENV, grace_days
from aias_dagster.cli.main import main
from aias_dagster.platform.months import last_complete_month


def test_a_month_closes_after_its_grace_period() -> None:
    assert closable_at(date(2026, 10, 1)) == datetime(2026, 11, 3, tzinfo=UTC)  # Oct 31 + 2 days
    assert closable_at(date(2026, 10, 1), grace_days=0) == datetime(2026, 11, 1, tzinfo=UTC)


def test_the_schedule_asks_for_every_missed_month_oldest_first() -> None:
    now = datetime(2026, 4, 2, 3, 30, tzinfo=UTC)  # March is still in its grace period
    assert months_to_close(date(2025, 12, 1), now, 2, {"2025-12-01"}) == ["2026-01-01", "2026-02-01"]
    assert months_to_close(date(2025, 12, 1), datetime(2026, 4, 3, 3, 30, tzinfo=UTC), 2, set())[-1] == "2026-03-01"


def test_close_by_hand_refuses_in_the_grace_period_unless_forced() -> None:
    in_grace = datetime(2026, 11, 2, 12, tzinfo=UTC)
    with pytest.raises(MonthNotClosableError, match="grace period"):
        close_run(date(2026, 10, 1), force=False, now=in_grace)
    tags, config = close_run(date(2026, 10, 1), force=True, now=in_grace)
    assert tags == {"dagster/partition": "2026-10-01"}
    assert config == {"ops": {"billing_close": {"config": {"force": True}}}}
    with pytest.raises(MonthNotClosableError, match="has not ended"):
        close_run(date(2026, 11, 1), force=True, now=in_grace)


def test_the_default_month_and_the_demo_worlds_last_complete_month() -> None:
    assert last_closable_month(datetime(2026, 11, 2, tzinfo=UTC), 2) == date(2026, 9, 1)
    assert last_closable_month(datetime(2026, 11, 3, tzinfo=UTC), 2) == date(2026, 10, 1)
    assert last_complete_month(date(2026, 3, 31)) == date(2026, 3, 1)
    assert last_complete_month(date(2026, 3, 30)) == date(2026, 2, 1)


def test_the_grace_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(GRACE_DAYS_ENV, "5")
    assert grace_days() == 5
    monkeypatch.setenv(GRACE_DAYS_ENV, "two")
    with pytest.raises(ValueError, match="AIAS_BILLING_GRACE_DAYS"):
        grace_days()


def test_aias_run_billing_refuses_a_month_that_has_not_ended(capsys: pytest.CaptureFixture[str]) -> None:
    this_month = datetime.now(UTC).strftime("%Y-%m")
    assert main(["run", "billing", "--month", this_month]) == 1
    assert f"{this_month} has not ended yet" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "billing", "--month", "2026-13"])
    assert "2026-13: expected YYYY-MM" in capsys.readouterr().err


def test_the_schedule_tick_requests_each_closable_month_not_yet_materialized() -> None:
    import dagster as dg

    from aias_dagster.billing.assets import month_partitions
    from aias_dagster.billing.schedules import build_billing_schedule

    schedule = build_billing_schedule(month_partitions(date(2026, 1, 1)))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=datetime(2026, 4, 3, 3, 30, tzinfo=UTC)
        )
        requests = list(schedule(context))  # type: ignore[call-overload]
    assert [r.partition_key for r in requests] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert len({r.run_key for r in requests}) == 3


def test_the_demo_bills_the_worlds_months_not_the_partitions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from aias_dagster.billing.cli import last_delivery_day

    for source, day in (("api_requests", "2026-02-15"), ("api_requests", "2026-03-31"), ("customers", "2026-03-30")):
        (tmp_path / source).mkdir(exist_ok=True)
        (tmp_path / source / f"{day}.csv").write_text("x\n")
    assert last_delivery_day(tmp_path) == date(2026, 3, 31)
    assert last_delivery_day(tmp_path / "missing") is None


def test_the_billing_job_holds_the_monthly_close_and_nightly_never_does(dbt_manifest) -> None:  # type: ignore[no-untyped-def]
    import dagster as dg

    from aias_dagster.billing.assets import INVOICE_LINES, INVOICES
    from aias_dagster.definitions import build_definitions

    defs = build_definitions(first_day=date(2026, 1, 1))
    billing = defs.resolve_job_def("billing").asset_layer.executable_asset_keys
    nightly = defs.resolve_job_def("nightly").asset_layer.executable_asset_keys
    # The close, then what reads the invoices (orchestration follows the data): never the close in nightly.
    assert {INVOICES, INVOICE_LINES} <= billing and not {INVOICES, INVOICE_LINES} & nightly
    after_close = {("marts", "api_revenue_monthly"), ("marts", "billing_kpi_monthly"), ("marts", "loop_scorecard"),
                   ("dashboards", "billing"), ("dashboards", "index")}  # fmt: skip
    assert {dg.AssetKey(list(key)) for key in after_close} <= billing
    assert dg.AssetKey(["marts", "api_revenue_monthly"]) in nightly  # the revenue mart is rebuilt with the daily models
    partitions = defs.resolve_job_def("billing").partitions_def
    assert isinstance(partitions, dg.MonthlyPartitionsDefinition)
    assert partitions.get_first_partition_key() == "2026-01-01"
