"""Every dbt model, seed and test as Dagster assets and asset checks."""

import functools
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from aias_dagster.resources import WarehouseResource
from aias_dagster.retries import retry_transient
from aias_dagster.transform.project import (
    TRANSLATOR,
    apply_dbt_environment,
    dbt_executable,
    dbt_project,
    manifest_path,
)


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
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        apply_dbt_environment(warehouse.settings())
        with retry_transient(context):
            yield from dbt.cli(["build"], context=context).stream()

    return dbt_models


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())
