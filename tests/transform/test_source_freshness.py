"""The source freshness check: dbt's settings from the manifest, dbt's rule, and dbt's own verdicts as the oracle."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import psycopg

from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.platform.freshness import DAILY_FAIL_AFTER, DAILY_WARN_AFTER
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.transform.source_freshness import (
    CHECK_NAME,
    RUNTIME_ERROR,
    Measured,
    SourceFreshness,
    dbt_source_freshness,
    freshness_result,
    freshness_settings,
    judged,
    source_key,
)
from tests.dbt.support import Dbt

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def settings(manifest_path: Path, name: str = "support_tickets") -> SourceFreshness:
    return freshness_settings(json.loads(manifest_path.read_text()), [name])[name]


def test_the_thresholds_and_the_measure_are_the_dbt_sources(dbt_manifest: Path) -> None:
    source = settings(dbt_manifest)
    assert (source.warn_after, source.error_after) == (DAILY_WARN_AFTER, DAILY_FAIL_AFTER)
    assert (source.table, source.filter) == ("raw.support_tickets", None)
    assert "_delivery_date" in source.loaded_at_field


def test_an_age_is_judged_as_dbt_judges_it_and_shown_with_its_thresholds(dbt_manifest: Path) -> None:
    source = settings(dbt_manifest)
    # The end of the newest delivery day, as loaded_at_field gives it: naive, so UTC (as dbt reads it).
    fresh = freshness_result(judged(source, datetime(2026, 11, 27, 0, 0), NOW))
    assert (
        fresh.passed and fresh.asset_key == dg.AssetKey(["raw", "support_tickets"]) and fresh.check_name == CHECK_NAME
    )
    assert fresh.description == "raw.support_tickets: newest data 9.0 hours old (pass)"
    stale = freshness_result(judged(source, NOW - timedelta(hours=129.5), NOW))
    assert not stale.passed and stale.severity == dg.AssetCheckSeverity.WARN
    assert stale.description == "raw.support_tickets: newest data 129.5 hours old (error)"
    assert stale.metadata["dbt_status"].value == "error" and stale.metadata["data_age_hours"].value == 129.5
    assert stale.metadata["warn_after"].value == "30 hours" and stale.metadata["error_after"].value == "48 hours"
    # dbt's bounds are exclusive: exactly 30 hours is still a pass, a second more a warning.
    assert judged(source, NOW - DAILY_WARN_AFTER, NOW).status == "pass"
    assert judged(source, NOW - DAILY_WARN_AFTER - timedelta(seconds=1), NOW).status == "warn"
    assert judged(source, NOW - DAILY_FAIL_AFTER - timedelta(seconds=1), NOW).status == "error"


def test_an_empty_or_missing_table_says_so(dbt_manifest: Path) -> None:
    source = settings(dbt_manifest)
    empty = freshness_result(judged(source, None, NOW))
    assert not empty.passed and empty.metadata["dbt_status"].value == "error"
    assert empty.description == "raw.support_tickets: no rows to measure (error)"
    assert "data_age_hours" not in empty.metadata
    missing = Measured(source, RUNTIME_ERROR, message='relation "raw.support_tickets" does not exist')
    assert (
        freshness_result(missing).description
        == 'raw.support_tickets: relation "raw.support_tickets" does not exist (runtime error)'
    )


def test_the_checks_verdicts_are_dbt_source_freshness_verdicts_on_the_same_database(
    database: ConnectionSettings, dbt_manifest: Path, tmp_path: Path
) -> None:
    # A delivery day is a whole day, so a source's age depends on the hour the test runs: between 00:00 and
    # 06:00 UTC no delivery day is late (30 to 48 hours old). The late source's column therefore holds an
    # instant (a timestamptz) 36 hours before now; the others are real days, whose ends are timestamps
    # without time zone, UTC to dbt. In one union the two types would meet: the sessions' time zone is not
    # UTC, so reading a naive end in it would move it by hours (it did: the union read them 5 hours off).
    cases = {
        "customers": "pass",  # delivered yesterday
        "subscriptions": "warn",  # 36 hours old
        "support_tickets": "error",  # five days old
        "fx_rates": "error",  # the table is empty
    }
    missing = "marketing_spend"  # no load has created its table
    with psycopg.connect(database.url) as conn:
        conn.execute(f"alter database \"{database.dbname}\" set timezone to 'America/New_York'")
        conn.execute("create schema raw")
        utc_now = "(now() at time zone 'utc')"
        conn.execute(f"create table raw.customers as select {utc_now}::date - 1 as _delivery_date")
        conn.execute("create table raw.subscriptions as select now() - interval '60 hours' as _delivery_date")
        conn.execute(f"create table raw.support_tickets as select {utc_now}::date - 5 as _delivery_date")
        conn.execute("create table raw.fx_rates (_delivery_date date)")

    # The check, as a job that selects it runs it.
    selected = [*cases, missing]
    checks = dg.AssetSelection.checks(*(dg.AssetCheckKey(source_key(name), CHECK_NAME) for name in selected))
    definitions = dg.Definitions(
        assets=[dg.AssetSpec(source_key(name)) for name in SOURCE_NAMES],
        asset_checks=[dbt_source_freshness],
        jobs=[dg.define_asset_job("freshness", selection=checks)],
        resources={"warehouse": WarehouseResource(url=database.url)},
    )
    run = definitions.resolve_job_def("freshness").execute_in_process()
    evaluations = {e.asset_key.path[-1]: e for e in run.get_asset_check_evaluations()}
    ours = {name: e.metadata["dbt_status"].value for name, e in evaluations.items()}

    # dbt itself, once, on the same database.
    dbt = Dbt(database, tmp_path / "target", role="", write_json=True)
    output = dbt("source", "freshness", "--select", " ".join(f"source:platform.{name}" for name in selected)).output
    results = json.loads((tmp_path / "target" / "sources.json").read_text())["results"]
    theirs = {r["unique_id"].split(".")[-1]: r for r in results}

    assert ours == {**{name: r["status"] for name, r in theirs.items()}, missing: RUNTIME_ERROR}
    assert ours == {**cases, missing: RUNTIME_ERROR}
    # dbt leaves a source it could not query out of sources.json, and says why in its output.
    assert missing not in theirs and f'relation "raw.{missing}" does not exist' in output
    for name in ("customers", "subscriptions", "support_tickets"):
        age_hours = evaluations[name].metadata["data_age_hours"].value
        assert abs(age_hours - theirs[name]["max_loaded_at_time_ago_in_s"] / 3600) < 0.1, name
        complete_through = datetime.fromtimestamp(evaluations[name].metadata["data_complete_through"].value, UTC)
        assert complete_through == datetime.fromisoformat(theirs[name]["max_loaded_at"]), name
