"""Every dbt model, seed and test as Dagster assets and asset checks, built by one `dbt build`."""

import functools
import json
from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from aias_dagster.platform.freshness import with_mart_freshness
from aias_dagster.platform.partitions import partition_window
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.retries import retry_transient
from aias_dagster.transform.project import apply_dbt_environment, dbt_executable, dbt_project, manifest_path
from aias_dagster.transform.table_facts import with_table_facts
from aias_dagster.transform.translator import AiasDbtTranslator

DBT_ASSETS_NAME = "dbt_models"


class DbtBuildConfig(dg.Config):
    """Launchpad options of a dbt build."""

    full_refresh: bool = False  # rebuild incremental models from all of raw, ignoring the run's window


def dbt_build_args(window: tuple[date, date] | None, full_refresh: bool = False) -> list[str]:
    """`dbt build` for a run: incremental models read only the delivery days of its partition window.

    Without a window (a run of unpartitioned models only) they process what arrived since their last build.
    """
    # dbt unit tests check SQL logic, not data: they run in `make test`, not in every production build.
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        return [*args, "--full-refresh"]
    if window:
        first, end = window
        args += ["--vars", json.dumps({"min_date": first.isoformat(), "max_date": end.isoformat()})]
    return args


def materialized_key(context: dg.AssetExecutionContext, event: Any) -> dg.AssetKey | None:
    """The asset a dbt event materializes (an Output names its output, a materialization its key)."""
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    if isinstance(event, dg.AssetMaterialization):
        return event.asset_key
    return None


@functools.cache
def build_dbt_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """Built on first use, from the manifest prepared ahead of time.

    One multi-asset for the whole project, so a run is one dbt invocation: incremental models carry the
    daily partitions (the UI shows which delivery days they hold), views, tables and seeds none.
    """

    @dbt_assets(
        manifest=manifest_path(),
        project=dbt_project(),
        dagster_dbt_translator=AiasDbtTranslator(partitions),
        name=DBT_ASSETS_NAME,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def dbt_models(
        context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        apply_dbt_environment(warehouse.settings())
        args = dbt_build_args(partition_window(context), full_refresh=config.full_refresh)
        context.log.info(f"dbt {' '.join(args)}")
        with retry_transient(context), warehouse.connect() as conn:
            yield from with_table_facts(
                dbt.cli(args, context=context).stream(), partial(materialized_key, context), conn
            )

    return dbt_models.map_asset_specs(with_mart_freshness)


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())
