"""Every dbt model, seed and test as Dagster assets and asset checks, built by one `dbt build`."""

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from aias_dagster.platform.freshness import with_mart_freshness
from aias_dagster.platform.partitions import partition_window
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.retries import retry_transient
from aias_dagster.transform.parse_state import environment, invocation_target_path, kept_parse_state, window_env
from aias_dagster.transform.project import apply_dbt_environment, dbt_project, manifest_path
from aias_dagster.transform.table_facts import with_table_facts
from aias_dagster.transform.translator import AiasDbtTranslator

DBT_ASSETS_NAME = "dbt_models"


class DbtBuildConfig(dg.Config):
    """Launchpad options of a dbt build."""

    full_refresh: bool = False  # rebuild incremental models from all of raw, ignoring the run's window


@dataclass(frozen=True)
class DbtBuild:
    """A run's `dbt build`: its arguments and the window it reads, as environment variables.

    The window is not passed as `--vars`: a new window every night would make dbt parse the whole project
    every night (transform/parse_state.py).
    """

    args: list[str]
    env: dict[str, str]


def dbt_build(window: tuple[date, date] | None, full_refresh: bool = False) -> DbtBuild:
    """`dbt build` for a run: incremental models read only the delivery days of its partition window.

    Without a window (a run of unpartitioned models only) they process what arrived since their last build;
    a full refresh reads everything, whatever the window.
    """
    # dbt unit tests check SQL logic, not data: they run in `make test`, not in every production build.
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        return DbtBuild([*args, "--full-refresh"], window_env(None))
    return DbtBuild(args, window_env(window))


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
        dbt_env = apply_dbt_environment(warehouse.settings())
        build = dbt_build(partition_window(context), full_refresh=config.full_refresh)
        window = " ".join(f"{name}={value}" for name, value in build.env.items() if value)
        context.log.info(f"dbt {' '.join(build.args)}{f' with {window}' if window else ''}")
        target = invocation_target_path(f"dbt_models-{context.run.run_id[:8]}")
        with retry_transient(context), kept_parse_state(target, dbt_env), warehouse.connect() as conn:
            with environment(build.env):
                invocation = dbt.cli(build.args, context=context, target_path=target)
            yield from with_table_facts(invocation.stream(), partial(materialized_key, context), conn)

    return dbt_models.map_asset_specs(with_mart_freshness)
