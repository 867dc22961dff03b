"""The code location loads, and its graph is what the UI should show."""

import json
import re
from pathlib import Path

import dagster as dg
import pytest

from aias_dagster.billing.jobs import BILLING_JOB
from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.orchestration.jobs import INGEST_JOB, NIGHTLY_JOB, TRANSFORM_JOB
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def definitions(dbt_manifest: object) -> dg.Definitions:
    from aias_dagster.definitions import defs

    return defs()


def test_definitions_load_without_a_database(definitions: dg.Definitions) -> None:
    definitions.resolve_all_job_defs()
    assert {INGEST_JOB, TRANSFORM_JOB} <= {job.name for job in definitions.resolve_all_job_defs()}


def test_every_loader_feeds_its_staging_model(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    for source in SOURCE_NAMES:
        loader = dg.AssetKey(["raw", source])
        staging = dg.AssetKey(["staging", f"stg_platform__{source}"])
        assert graph.get(loader).group_name == "ingest"
        assert loader in graph.get(staging).parent_keys, f"{staging.to_user_string()} does not depend on {source}"


def test_staging_models_are_grouped_by_loop(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    groups = {key.path[-1]: graph.get(key).group_name for key in graph.get_all_asset_keys() if key.path[0] == "staging"}
    assert groups["stg_platform__customers"] == "shared"
    assert groups["stg_platform__fx_rates"] == "shared"
    assert groups["stg_platform__touchpoints"] == "acquisition"
    assert groups["stg_platform__product_events"] == "product"
    # Support categorises the tickets and reliability links them to errors: staging read by two loops is shared.
    assert groups["stg_platform__support_tickets"] == "shared"
    assert groups["stg_platform__api_requests"] == "billing"
    assert groups["stg_platform__app_errors"] == "reliability"


def test_dbt_tests_are_asset_checks(definitions: dg.Definitions) -> None:
    checks = definitions.resolve_asset_graph().asset_check_keys
    names = {check.name for check in checks if check.asset_key == dg.AssetKey(["staging", "stg_platform__customers"])}
    assert any(name.startswith("unique_stg_platform__customers_customer_id") for name in names), names


def test_loaders_are_daily_partitioned(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    partitions = graph.get(dg.AssetKey(["raw", "customers"])).partitions_def
    assert isinstance(partitions, dg.DailyPartitionsDefinition)


def test_nightly_schedule_runs_yesterdays_partition_at_two_utc(definitions: dg.Definitions) -> None:
    schedule = definitions.resolve_schedule_def("nightly")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.job_name == "nightly"


def test_nightly_job_spans_the_loaders_and_every_dbt_model(definitions: dg.Definitions) -> None:
    job = definitions.resolve_job_def("nightly")
    keys = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert "raw/touchpoints" in keys and "staging/stg_platform__touchpoints" in keys
    assert all(f"raw/{source}" in keys for source in SOURCE_NAMES)


def test_raw_sources_declare_a_freshness_policy(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    assert all(graph.get(dg.AssetKey(["raw", s])).freshness_policy is not None for s in SOURCE_NAMES)


def test_incremental_models_are_partitioned_like_the_loaders_and_the_rest_is_not(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    loader_partitions = graph.get(dg.AssetKey(["raw", "touchpoints"])).partitions_def
    assert graph.get(dg.AssetKey(["intermediate", "int_acquisition__touchpoints"])).partitions_def == loader_partitions
    assert graph.get(dg.AssetKey(["marts", "metrics_daily"])).partitions_def == loader_partitions
    assert graph.get(dg.AssetKey(["marts", "cac_monthly"])).partitions_def is None
    assert graph.get(dg.AssetKey(["staging", "stg_platform__touchpoints"])).partitions_def is None


def test_jobs_select_by_purpose(definitions: dg.Definitions) -> None:
    def keys(job: str) -> set[str]:
        return {k.to_user_string() for k in definitions.resolve_job_def(job).asset_layer.executable_asset_keys}

    assert keys(INGEST_JOB) == {f"raw/{source}" for source in SOURCE_NAMES}
    # transform: everything of the night after the loaders, the Python asset between dbt models included (the
    # calibrated CAC's intervals, which acquisition's KPI mart reads), so `aias build` and the demo write it too.
    assert keys(TRANSFORM_JOB) == keys(NIGHTLY_JOB) - keys(INGEST_JOB)
    assert {"marts/cac_monthly", "marts/cac_monthly_intervals", "marts/acquisition_kpi_monthly"} <= keys(TRANSFORM_JOB)
    assert {"support_python/ticket_predictions", "intermediate/int_support__categorized_tickets"} <= keys(TRANSFORM_JOB)
    # billing: the close, and what reads the invoices (the revenue mart, the scorecard, the billing and index pages)
    assert {"billing/invoices", "marts/api_revenue_monthly", "marts/loop_scorecard", "dashboards/billing",
            "dashboards/index"} <= keys(BILLING_JOB)  # fmt: skip
    assert "marts/cac_monthly" not in keys(BILLING_JOB)


def test_the_ticket_model_runs_between_the_texts_and_the_categorized_tickets(definitions: dg.Definitions) -> None:
    """The nightly trains on the texts dbt just built, and the categorized tickets read its predictions: the
    categorized tickets are in the second dbt multi-asset (AFTER_PYTHON_ASSETS), the texts in the first."""
    graph = definitions.resolve_asset_graph()
    predictions = dg.AssetKey(["support_python", "ticket_predictions"])
    assert dg.AssetKey(["intermediate", "int_support__ticket_texts"]) in graph.get(predictions).parent_keys
    assert predictions in graph.get(dg.AssetKey(["intermediate", "int_support__categorized_tickets"])).parent_keys
    assert dg.AssetCheckKey(predictions, "cv_accuracy_meets_target") in graph.asset_check_keys


def test_every_loops_kpi_is_an_asset_check_on_its_kpi_mart(definitions: dg.Definitions) -> None:
    from aias_dagster.platform.loops import LOOPS

    checks = definitions.resolve_asset_graph().asset_check_keys
    for loop in LOOPS:
        assert dg.AssetCheckKey(dg.AssetKey(["marts", f"{loop}_kpi_monthly"]), "kpi_meets_target") in checks


def test_each_loop_with_a_report_names_a_function_that_exists() -> None:
    from aias_dagster.platform.loops import LOOP_GROUPS

    reports = {g.name: g.load_report() for g in LOOP_GROUPS}
    assert callable(reports["acquisition"])


def test_no_module_imports_private_dagster_modules() -> None:
    """Private modules change without notice between Dagster releases."""
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in (REPO_ROOT / "aias_dagster").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.match(r"\s*(from|import)\s+dagster(_dbt|_postgres|_webserver)?\._", line)
    ]
    assert offenders == []


def test_every_asset_has_an_owner_a_group_and_a_description(definitions: dg.Definitions) -> None:
    """Issue 15, item 5: the UI answers "whose is this, and what is it" for every asset."""
    graph = definitions.resolve_asset_graph()
    missing = sorted(
        f"{key.to_user_string()}: {what}"
        for key in graph.get_all_asset_keys()
        for what, value in (
            ("owner", graph.get(key).owners),
            ("group", graph.get(key).group_name != "default" and graph.get(key).group_name),
            ("description", (graph.get(key).description or "").strip()),
        )
        if not value
    )
    assert missing == []
    assert len(graph.get_all_asset_keys()) > 50  # the whole platform, not an empty graph


def test_every_raw_source_and_every_mart_has_a_freshness_policy(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    layers = {key.path[0] for key in graph.get_all_asset_keys()}
    unfresh = sorted(
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if key.path[0] in ("raw", "marts") and graph.get(key).freshness_policy is None
    )
    assert unfresh == [] and {"raw", "marts"} <= layers


def test_dbt_source_freshness_uses_the_platforms_thresholds_and_is_a_check_on_each_loader(
    definitions: dg.Definitions, dbt_manifest: Path
) -> None:
    from aias_dagster.platform.freshness import DAILY_FAIL_AFTER, DAILY_WARN_AFTER

    manifest = json.loads(dbt_manifest.read_text())
    sources = [s for s in manifest["sources"].values() if s["schema"] == "raw" and s["name"] in SOURCE_NAMES]
    assert {s["name"] for s in sources} == set(SOURCE_NAMES)
    for source in sources:
        freshness = source["freshness"]
        assert freshness["warn_after"] == {"count": DAILY_WARN_AFTER.total_seconds() / 3600, "period": "hour"}
        assert freshness["error_after"] == {"count": DAILY_FAIL_AFTER.total_seconds() / 3600, "period": "hour"}
        assert "_delivery_date" in source["loaded_at_field"]
    checks = definitions.resolve_asset_graph().asset_check_keys
    assert all(dg.AssetCheckKey(dg.AssetKey(["raw", s]), "dbt_source_freshness") in checks for s in SOURCE_NAMES)
    nightly = definitions.resolve_job_def(NIGHTLY_JOB).asset_layer.asset_graph.asset_check_keys
    assert dg.AssetCheckKey(dg.AssetKey(["raw", "customers"]), "dbt_source_freshness") in nightly


def test_the_alert_sensors_are_on_by_default(definitions: dg.Definitions) -> None:
    for name in ("run_failure_alerts", "run_recovery_alerts", "stale_source_alerts"):
        assert definitions.resolve_sensor_def(name).default_status == dg.DefaultSensorStatus.RUNNING, name
