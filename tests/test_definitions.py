"""The code location loads, and its graph is what the UI should show."""

import dagster as dg
import pytest

from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.jobs import INGEST_JOB, TRANSFORM_JOB


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
    assert groups["stg_platform__customers"] == "acquisition"
    assert groups["stg_platform__product_events"] == "product"
    assert groups["stg_platform__support_tickets"] == "support"
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
