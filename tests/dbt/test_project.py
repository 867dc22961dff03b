"""The dbt project's declarations agree with the source contract, and dbt accepts them without complaint."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.schema import LINEAGE_COLUMNS
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.dbt.support import REPO_ROOT, Dbt

STAGING = REPO_ROOT / "dbt_project" / "models" / "staging"


def declared_tables() -> dict[str, dict]:
    document = yaml.safe_load((STAGING / "_platform__sources.yml").read_text())
    (platform,) = [s for s in document["sources"] if s["name"] == "platform"]
    assert platform["schema"] == "raw"
    return {table["name"]: table for table in platform["tables"]}


def test_sources_declare_every_contract_table_and_column() -> None:
    tables = declared_tables()

    assert sorted(tables) == sorted(s.name for s in SOURCES)
    for source in SOURCES:
        table = tables[source.name]
        expected = [(c.name, c.pg_type) for c in source.columns]
        expected += [(name, spec.split()[0]) for name, spec in LINEAGE_COLUMNS]
        assert [(c["name"], c["data_type"]) for c in table["columns"]] == expected, source.name
        assert all(c.get("description") for c in table["columns"]), source.name
        assert table["config"]["meta"]["dagster"]["asset_key"] == ["raw", source.name]


def test_every_source_has_a_staging_model_in_its_loop_folder() -> None:
    for source in SOURCES:
        model = STAGING / source.loop / f"stg_platform__{source.name}.sql"
        assert model.exists(), f"{model.relative_to(REPO_ROOT)} is missing"
        assert f"source('platform', '{source.name}')" in model.read_text()


@pytest.mark.slow
def test_dbt_parse_reports_no_deprecations(tmp_path: Path) -> None:
    # parse never connects, so the settings only have to render profiles.yml.
    dbt = Dbt(ConnectionSettings("postgresql://postgres@localhost/unused"), tmp_path / "target", role="")
    result = dbt("parse", "--no-partial-parse", "--show-all-deprecations")

    assert result.returncode == 0, result.output
    assert "deprecat" not in result.output.lower(), result.output
