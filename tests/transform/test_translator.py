"""How dbt resources map to Dagster groups, owners, cadence, partitions and check descriptions."""

from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from aias_dagster.platform.loops import UnknownGroupError
from aias_dagster.transform.assets import build_dbt_assets
from aias_dagster.transform.translator import AiasDbtTranslator, check_description, folder_group

DAILY = dg.DailyPartitionsDefinition("2026-03-01")


def model(fqn: list[str], materialized: str = "table", meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "resource_type": "model",
        "unique_id": f"model.aias.{fqn[-1]}",
        "name": fqn[-1],
        "fqn": fqn,
        "schema": fqn[1],
        "meta": {},
        "tags": [],
        "config": {"materialized": materialized, "meta": {"cadence": "daily", **(meta or {})}, "schema": fqn[1]},
    }


def test_the_group_is_the_folder_under_the_layer() -> None:
    translator = AiasDbtTranslator(DAILY)
    scorecard = model(["aias", "marts", "scorecard", "loop_scorecard"])
    assert translator.get_group_name(scorecard) == "scorecard"
    assert translator.get_owners(scorecard) == ["team:data-engineering"]
    support = model(["aias", "intermediate", "support", "int_support__categories"])
    assert (translator.get_group_name(support), translator.get_owners(support)) == ("support", ["team:support"])
    seed = {**model(["aias", "billing", "plans"]), "resource_type": "seed"}
    assert folder_group(seed) == "billing"


def test_a_model_outside_a_known_group_folder_fails_the_load() -> None:
    with pytest.raises(UnknownGroupError, match="'misc' is not an asset group"):
        AiasDbtTranslator(DAILY).get_group_name(model(["aias", "marts", "misc", "orphan"]))
    with pytest.raises(UnknownGroupError, match=r"'\(none\)' is not an asset group"):
        AiasDbtTranslator(DAILY).get_group_name(model(["aias", "marts", "orphan"]))


def test_incremental_models_take_the_daily_partitions_and_tables_none() -> None:
    translator = AiasDbtTranslator(DAILY)
    assert translator.get_partitions_def(model(["aias", "marts", "acquisition", "m"], "incremental")) == DAILY
    assert translator.get_partitions_def(model(["aias", "marts", "acquisition", "m"], "table")) is None


def test_cadence_comes_from_meta_and_a_monthly_folder_overrides_it() -> None:
    translator = AiasDbtTranslator(DAILY)
    assert translator.get_tags(model(["aias", "marts", "billing", "m"]))["cadence"] == "daily"
    monthly = model(["aias", "marts", "billing", "invoices"], meta={"cadence": "monthly"})
    assert translator.get_tags(monthly)["cadence"] == "monthly"


def test_a_dbt_tests_check_says_what_the_test_holds() -> None:
    # Every dbt test's check said "No description provided" in the UI.
    not_null = {"test_metadata": {"name": "not_null", "kwargs": {"column_name": "customer_id"}}, "config": {}}
    assert check_description(not_null) == "`customer_id` is never null"
    combination = {
        "test_metadata": {"name": "unique_combination", "kwargs": {"combination_of_columns": ["month", "channel"]}},
        "config": {"where": "is_default_model"},
    }
    assert check_description(combination) == "one row per `month`, `channel` (rows where is_default_model)"
    to_mapping = {"column_name": "channel", "to": "ref('channel_mapping')", "field": "channel"}
    related = {"test_metadata": {"name": "relationships", "kwargs": to_mapping}}
    assert check_description(related) == "every `channel` is a `channel` of `channel_mapping`"
    singular = {
        "name": "spend_adds_up",
        "raw_code": "-- sqlfluff:indentation:off\n-- Spend in the mart\n-- = raw spend.\nselect 1",
    }
    assert check_description(singular) == "Spend in the mart = raw spend."
    assert (
        check_description({"description": "Written in the yml.", "test_metadata": {"name": "unique"}})
        == "Written in the yml."
    )


def test_every_dbt_tests_check_has_a_description(dbt_manifest: Path) -> None:
    checks = [spec for assets in build_dbt_assets(DAILY) for spec in assets.check_specs]
    assert len(checks) > 400
    assert [c.name for c in checks if not c.description] == []
