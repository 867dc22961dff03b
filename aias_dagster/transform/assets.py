"""Every dbt model, seed and test as Dagster assets and asset checks."""

import functools
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from aias_dagster.freshness import with_mart_freshness
from aias_dagster.partitions import delivery_window
from aias_dagster.resources import WarehouseResource
from aias_dagster.retries import retry_transient
from aias_dagster.transform.project import (
    TRANSLATOR,
    apply_dbt_environment,
    dbt_executable,
    dbt_project,
    manifest_path,
)


class DbtBuildConfig(dg.Config):
    """Launchpad options of a dbt build."""

    full_refresh: bool = False  # rebuild incremental models from all of raw, ignoring the run's window


def dbt_build_args(window: tuple[date, date] | None, full_refresh: bool = False) -> list[str]:
    """`dbt build` for a run: incremental models read only the delivery days of its partition window.

    Without a window (an unpartitioned run) they process what arrived since their last build.
    """
    # dbt unit tests check SQL logic, not data: they run in `make test`, not in every production build.
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        return [*args, "--full-refresh"]
    if window:
        first, end = window
        args += ["--vars", json.dumps({"min_date": first.isoformat(), "max_date": end.isoformat()})]
    return args


@functools.cache
def build_dbt_assets() -> dg.AssetsDefinition:
    """Built on first use, from the manifest prepared ahead of time."""

    @dbt_assets(
        manifest=manifest_path(),
        project=dbt_project(),
        dagster_dbt_translator=TRANSLATOR,
        name="dbt_models",
    )
    def dbt_models(
        context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        apply_dbt_environment(warehouse.settings())
        args = dbt_build_args(delivery_window(context.run.tags), full_refresh=config.full_refresh)
        context.log.info(f"dbt {' '.join(args)}")
        with retry_transient(context):
            yield from dbt.cli(args, context=context).stream()

    return dbt_models.map_asset_specs(with_mart_freshness)


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())
