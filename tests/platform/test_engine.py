"""AIAS_ENGINE: read in one place, a wrong value refused by name, and the dbt output each engine builds with."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aias_dagster.platform.engine import (
    DBT_TARGET_ENV,
    ENGINE_ENV,
    Engine,
    EngineError,
    current_engine,
    dbt_engine_env,
    parse_engine,
)
from tests.conftest import REPO_ROOT


def test_postgres_is_the_engine_when_the_variable_is_unset_or_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert current_engine() is Engine.POSTGRES
    assert parse_engine("") is Engine.POSTGRES
    assert parse_engine(" Spark ") is Engine.SPARK


def test_a_wrong_engine_is_refused_naming_the_variable_and_the_allowed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "duckdb")
    with pytest.raises(EngineError) as refused:
        current_engine()
    assert str(refused.value) == "AIAS_ENGINE='duckdb' is not an engine: set it to postgres or spark (unset: postgres)"


def test_each_engine_names_an_output_of_the_profile_and_spark_keeps_its_state_under_aias_home(tmp_path: Path) -> None:
    profile = yaml.safe_load((REPO_ROOT / "dbt_project" / "profiles.yml").read_text())["aias"]
    assert profile["target"] == "{{ env_var('" + DBT_TARGET_ENV + "', 'default') }}"
    postgres, spark = dbt_engine_env(Engine.POSTGRES, tmp_path), dbt_engine_env(Engine.SPARK, tmp_path)
    assert profile["outputs"][postgres[DBT_TARGET_ENV]]["type"] == "postgres"
    assert profile["outputs"][spark[DBT_TARGET_ENV]]["type"] == "spark"
    assert spark["AIAS_SPARK_HOME"] == str(tmp_path / "spark")


def test_a_spark_session_opened_from_python_has_the_settings_of_the_profiles_spark_output(tmp_path: Path) -> None:
    from aias_dagster.platform.engine import spark_session_conf

    env = dbt_engine_env(Engine.SPARK, tmp_path)
    output = yaml.safe_load((REPO_ROOT / "dbt_project" / "profiles.yml").read_text())["aias"]["outputs"]["spark"]
    rendered = {
        key: value.replace("{{ env_var('AIAS_SPARK_HOME', '.aias/spark') }}", env["AIAS_SPARK_HOME"])
        for key, value in output["server_side_parameters"].items()
    }
    assert rendered | {"spark.sql.ansi.enabled": "false"} == spark_session_conf(tmp_path)
