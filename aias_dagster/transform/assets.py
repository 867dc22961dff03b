"""Every dbt model, seed and test as Dagster assets and asset checks, built by one `dbt build`."""

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from aias_dagster.platform.engine import Engine, current_engine
from aias_dagster.platform.freshness import with_mart_freshness
from aias_dagster.platform.partitions import partition_window
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.retries import retry_transient
from aias_dagster.transform.engine_steps import publish_served, sync_lake
from aias_dagster.transform.parse_state import environment, invocation_target_path, kept_parse_state, window_env
from aias_dagster.transform.project import apply_dbt_environment, dbt_project, manifest_path
from aias_dagster.transform.serving import served_keys, to_publish
from aias_dagster.transform.table_facts import with_table_facts
from aias_dagster.transform.translator import AiasDbtTranslator

DBT_ASSETS_NAME = "dbt_models"
# The concurrency pool of every dbt build. A limit of 1 on it (deploy/dagster.local.yaml, the Helm values'
# `concurrency.pools`) keeps two runs from building the same models at once; with no limit set it limits nothing.
DBT_POOL = "dbt"


class DbtBuildConfig(dg.Config):
    """Launchpad options of a dbt build."""

    full_refresh: bool = False  # rebuild incremental models from all of raw, ignoring the run's window
    # Read every delivery from the window's first day on, its end left open: the rows `aias collect` stored
    # today, a day no partition has yet (collect/sensor.py runs the newest partition with this set).
    through_now: bool = False


@dataclass(frozen=True)
class DbtBuild:
    """A run's `dbt build`: its arguments and the window it reads, as environment variables.

    The window is not passed as `--vars`: a new window every night would make dbt parse the whole project
    every night (transform/parse_state.py).
    """

    args: list[str]
    env: dict[str, str]


def dbt_build(window: tuple[date, date] | None, full_refresh: bool = False, through_now: bool = False) -> DbtBuild:
    """`dbt build` for a run: incremental models read only the delivery days of its partition window.

    Without a window (a run of unpartitioned models only) they process what arrived since their last build;
    a full refresh reads everything, whatever the window; through_now keeps the window's first day and drops
    its end, so the build also reads what was delivered after the newest partition (today's collected rows).
    """
    # dbt unit tests check SQL logic, not data: they run in `make test`, not in every production build.
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        return DbtBuild([*args, "--full-refresh"], window_env(None))
    if through_now and window is not None:
        return DbtBuild(args, window_env((window[0], None)))
    return DbtBuild(args, window_env(window))


def materialized_key(context: dg.AssetExecutionContext, event: Any) -> dg.AssetKey | None:
    """The asset a dbt event materializes (an Output names its output, a materialization its key)."""
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    if isinstance(event, dg.AssetMaterialization):
        return event.asset_key
    return None


def asset_graph_of(context: dg.AssetExecutionContext) -> Any:
    """The code location's asset graph; a run executed in process (the bench, the tests) has no repository on its
    context, only its job, whose graph holds the same Python readers for the jobs that build dbt (transform,
    nightly, billing, reliability_marts)."""
    try:
        return context.repository_def.asset_graph
    except Exception:  # dagster's CheckError, from a private module: "No repository definition was set"
        return context.job_def.asset_layer.asset_graph


# The models that read a Python asset sitting between dbt models (the calibrated CAC's intervals, read by
# acquisition's KPI marts and through them the scorecard): a multi-asset of their own, after it. A run that builds
# both is then two dbt invocations in order. With one multi-asset, Dagster split it by "colour" around the Python
# asset (four dbt steps a night, the seeds apart from their models, and dbt's eager test selection then ran a
# relationships test of a model not yet built), docs/architecture.md "Dagster".
# The ticket model's predictions (support) are the second such asset: the categorized tickets and all that reads
# them come after it.
AFTER_PYTHON_ASSETS = "cac_accuracy_monthly+ int_support__categorized_tickets+"
DBT_AFTER_PYTHON_NAME = "dbt_models_after_python"


@functools.cache
def build_dbt_assets(partitions: dg.PartitionsDefinition) -> tuple[dg.AssetsDefinition, ...]:
    """Built on first use, from the manifest prepared ahead of time: the project's models, seeds and tests, and
    the models after the Python assets. Incremental models carry the daily partitions (the UI shows which
    delivery days they hold), views, tables and seeds none."""
    return (
        dbt_multi_asset(DBT_ASSETS_NAME, partitions, exclude=AFTER_PYTHON_ASSETS),
        dbt_multi_asset(DBT_AFTER_PYTHON_NAME, partitions, select=AFTER_PYTHON_ASSETS),
    )


def dbt_multi_asset(
    name: str, partitions: dg.PartitionsDefinition, select: str = "fqn:*", exclude: str | None = None
) -> dg.AssetsDefinition:
    """One `dbt build` of the selected part of the project, as one multi-asset."""

    @dbt_assets(
        manifest=manifest_path(),
        project=dbt_project(),
        select=select,
        exclude=exclude,
        dagster_dbt_translator=AiasDbtTranslator(partitions),
        name=name,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=DBT_POOL,
    )
    def dbt_models(
        context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        settings = warehouse.settings()
        dbt_env = apply_dbt_environment(settings)
        on_spark = current_engine() is Engine.SPARK
        build = dbt_build(partition_window(context), full_refresh=config.full_refresh, through_now=config.through_now)
        window = " ".join(f"{variable}={value}" for variable, value in build.env.items() if value)
        context.log.info(f"dbt {' '.join(build.args)}{f' with {window}' if window else ''}")
        target = invocation_target_path(f"{name}-{context.run.run_id[:8]}")
        if on_spark:
            sync_lake(settings, context.log.info)
        with retry_transient(context), kept_parse_state(target, dbt_env), warehouse.connect() as conn:
            with environment(build.env):
                invocation = dbt.cli(build.args, context=context, target_path=target)
            if not on_spark:
                yield from with_table_facts(invocation.stream(), partial(materialized_key, context), conn)
                return
            built = []
            for event in invocation.stream():
                if (key := materialized_key(context, event)) is not None:
                    built.append(key)
                yield event
        publish_served(to_publish(built, served_keys(asset_graph_of(context))), settings, context.log.info)

    return dbt_models.map_asset_specs(with_mart_freshness)
