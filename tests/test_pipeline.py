"""The whole path through Dagster: landing files -> loader assets -> dbt staging, with its checks.

The second run is the transform job's selection without the dashboard pages, which this test does not read (the
pages are built and checked on the demo world, tests/dashboards): on a two-customer world they were a fifth of it.
"""

from datetime import date
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from aias_dagster.definitions import build_definitions
from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.orchestration.jobs import DAILY_PAGES, TRANSFORMS
from aias_dagster.orchestration.runs import InProcessRunner, PipelineError, load_range, run_days
from aias_dagster.platform.loops import LOOPS
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.ingest.files import row, write_landing

pytestmark = [pytest.mark.slow, pytest.mark.long_pole(seconds=50)]

# The loops' KPI checks (asset checks of WARN severity on their KPI marts, platform/kpi.py).
KPI_CHECKS = frozenset({"kpi_meets_target"})
MODELS_JOB = dg.define_asset_job("transform_without_pages", selection=TRANSFORMS - DAILY_PAGES)


def test_a_backfill_loads_every_source_and_builds_staging_in_two_runs(
    database: ConnectionSettings, tmp_path: Path, dbt_manifest: Path
) -> None:
    for source in SOURCE_NAMES:
        owner = {"customer_id": "C1-1"} if source != "customers" else {}
        write_landing(tmp_path, source, date(2026, 3, 1), [row(source, 1, **owner)])
        second_day = [] if source in ("marketing_spend", "fx_rates") else [row(source, 2, **owner)]
        write_landing(tmp_path, source, date(2026, 3, 2), second_day)
    write_landing(
        tmp_path, "customers", date(2026, 3, 3), [row("customers", 3), row("customers", 4, segment="startup")]
    )
    definitions = dg.Definitions.merge(
        build_definitions(warehouse_url=database.url, landing_dir=str(tmp_path)), dg.Definitions(jobs=[MODELS_JOB])
    )

    with dg.DagsterInstance.ephemeral() as instance:
        runner = InProcessRunner(definitions, instance)
        load_range(runner, date(2026, 3, 1), date(2026, 3, 4))
        outcome = run_days(runner, MODELS_JOB.name, date(2026, 3, 1), date(2026, 3, 4))
        materialized = instance.get_latest_materialization_event(dg.AssetKey(["raw", "customers"]))
        mart = instance.get_latest_materialization_event(dg.AssetKey(["marts", "cac_monthly"]))
        view = instance.get_latest_materialization_event(dg.AssetKey(["staging", "stg_platform__customers"]))
        daily = instance.fetch_materializations(dg.AssetKey(["marts", "metrics_daily"]), limit=10).records
        evaluations = [
            record.event_log_entry.dagster_event.event_specific_data  # type: ignore[union-attr]
            for record in instance.get_records_for_run(
                outcome.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            ).records
        ]
        warned = sorted(f"{c.asset_key.to_user_string()}:{c.check_name}" for c in evaluations if not c.passed)

    assert outcome.checks_failed == 0 and outcome.checks_passed > 0
    # A two-customer world is far from any loop's target: only KPI checks may warn, never a data test.
    assert outcome.checks_warned == len(warned), warned
    assert all(name.split(":")[1] in KPI_CHECKS for name in warned), warned
    assert outcome.models_built >= len(SOURCE_NAMES)
    assert materialized is not None
    metadata = materialized.asset_materialization.metadata  # type: ignore[union-attr]
    assert metadata["rows_loaded"].value == 3 and metadata["rows_rejected"].value == 1
    assert metadata["missing_days"].value == "2026-03-04"
    # Row counts and column types for the UI; an incremental model's materializations name their days.
    mart_metadata = mart.asset_materialization.metadata  # type: ignore[union-attr]
    view_metadata = view.asset_materialization.metadata  # type: ignore[union-attr]
    assert "dagster/row_count" not in view_metadata  # counting a view would run its query
    assert ("customer_id", "text") in [(c.name, c.type) for c in view_metadata["dagster/column_schema"].value.columns]
    assert {r.partition_key for r in daily} == {"2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"}
    with psycopg.connect(database.url) as conn:
        assert conn.execute("select count(*) from marts.cac_monthly").fetchone() == (
            mart_metadata["dagster/row_count"].value,
        )
        assert conn.execute("select count(*) from staging.stg_platform__customers").fetchone() == (3,)
        assert conn.execute("select count(*) from staging.stg_platform__api_requests").fetchone() == (2,)
        assert conn.execute("select sum(rejected) from raw.load_audit").fetchone() == (1,)
        # Four days of data complete no month: every loop keeps its row on the scorecard, saying so.
        scorecard = conn.execute("select loop_name, status, kpi_value from marts.loop_scorecard order by loop_order")
        assert scorecard.fetchall() == [(loop, "no_data", None) for loop in LOOPS]


def test_a_file_without_a_required_column_fails_the_run_naming_file_and_column(
    database: ConnectionSettings, tmp_path: Path, dbt_manifest: Path
) -> None:
    header = [c for c in ("rate_date", "currency")]
    write_landing(tmp_path, "fx_rates", date(2026, 3, 1), [row("fx_rates")], header=header)
    definitions = build_definitions(warehouse_url=database.url, landing_dir=str(tmp_path))

    with dg.DagsterInstance.ephemeral() as instance, pytest.raises(PipelineError) as failure:
        load_range(InProcessRunner(definitions, instance), date(2026, 3, 1), date(2026, 3, 1))

    assert "fx_rates/2026-03-01.csv, line 1: missing required column(s) usd_per_unit" in str(failure.value)
