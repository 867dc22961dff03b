"""The Dagster definitions are the same on both engines (issue 24, orchestrated the same way): the manifest
`aias prepare` writes with AIAS_ENGINE=spark gives the same dbt assets, dependencies, partitions and checks as
the Postgres one, and only the kind the UI shows on each dbt asset (and its storage kind) says `spark`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import build_dbt_asset_specs

from aias_dagster.platform.engine import Engine, dbt_engine_env
from aias_dagster.platform.partitions import delivery_partitions
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.transform.translator import AiasDbtTranslator
from tests.dbt.support import Dbt

pytestmark = pytest.mark.spark


def specs_of(manifest: Path) -> dict[dg.AssetKey, dg.AssetSpec]:
    translator = AiasDbtTranslator(delivery_partitions(date(2026, 1, 1)))
    return {spec.key: spec for spec in build_dbt_asset_specs(manifest=manifest, dagster_dbt_translator=translator)}


def deps(spec: dg.AssetSpec) -> set[dg.AssetKey]:
    """What the asset depends on (the metadata of a dependency holds its columns' types, each engine's own)."""
    return {dep.asset_key for dep in spec.deps}


def tags(spec: dg.AssetSpec) -> dict[str, str]:
    """The spec's tags but its kinds (`dagster/kind/...`), compared on their own."""
    return {name: value for name, value in spec.tags.items() if not name.startswith("dagster/kind/")}


def test_the_dbt_assets_are_the_same_on_spark_and_show_the_engine_as_their_kind(
    dbt_manifest: Path, tmp_path: Path
) -> None:
    # `dbt parse` connects to nothing: the connection settings are only read.
    parsed = Dbt(
        ConnectionSettings("postgresql://postgres@127.0.0.1:5432/unused"),
        tmp_path / "target",
        role="",
        write_json=True,
        engine_env=dbt_engine_env(Engine.SPARK, tmp_path),
    )("parse")
    assert parsed.returncode == 0, parsed.output[-3000:]
    spark_manifest = tmp_path / "target" / "manifest.json"
    assert json.loads(spark_manifest.read_text())["metadata"]["adapter_type"] == "spark"

    on_postgres, on_spark = specs_of(dbt_manifest), specs_of(spark_manifest)
    assert on_spark.keys() == on_postgres.keys() and len(on_spark) > 50
    for key, spec in on_spark.items():
        other = on_postgres[key]
        assert (deps(spec), spec.group_name, spec.owners, spec.partitions_def, tags(spec)) == (
            deps(other),
            other.group_name,
            other.owners,
            other.partitions_def,
            tags(other),
        ), key
        assert spec.kinds - {"spark"} == other.kinds - {"postgres"}, key
        assert "spark" in spec.kinds and "postgres" not in spec.kinds, key
        assert spec.metadata["dagster/storage_kind"] == "spark", key
