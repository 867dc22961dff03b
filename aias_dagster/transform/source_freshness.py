"""`dbt source freshness` as an asset check on each loader asset, run by every job that loads.

dbt measures each raw table by its `loaded_at_field` (the end of the newest delivery day, see
_platform__sources.yml) against `warn_after`/`error_after` (the platform's 30 h and 48 h). The check
`dbt_source_freshness` on `raw/<source>` carries dbt's verdict, the newest data and its age, so the
asset's page in the UI shows how old the source is next to its loads; a stale source warns, it does not
stop the run (the alert sensor `stale_source_alerts` tells someone).
"""

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource

from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.transform.parse_state import invocation_target_path, kept_parse_state
from aias_dagster.transform.project import apply_dbt_environment, manifest_path

CHECK_NAME = "dbt_source_freshness"
DBT_SOURCE = "platform"  # the dbt source of the raw tables (models/staging/_platform__sources.yml)


def source_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source])


def freshness_result(result: Mapping[str, Any]) -> dg.AssetCheckResult:
    """One source's entry of dbt's sources.json as the check's result."""
    source = result["unique_id"].split(".")[-1]
    status = result.get("status", "runtime error")
    age = result.get("max_loaded_at_time_ago_in_s")
    newest = result.get("max_loaded_at")
    metadata: dict[str, Any] = {"dbt_status": status}
    if age is not None:
        metadata["data_age_hours"] = dg.MetadataValue.float(round(float(age) / 3600, 1))
    if newest:
        metadata["data_complete_through"] = dg.MetadataValue.timestamp(datetime.fromisoformat(newest))
    criteria = result.get("criteria") or {}
    if criteria:
        metadata["warn_after"] = str(_period(criteria.get("warn_after")))
        metadata["error_after"] = str(_period(criteria.get("error_after")))
    if status == "runtime error":
        description = f"dbt could not measure raw.{source}: {result.get('message') or 'see the run log'}"
    elif age is None:
        description = f"raw.{source} holds no rows yet"
    else:
        description = f"raw.{source}: newest data {float(age) / 3600:.1f} hours old (dbt: {status})"
    return dg.AssetCheckResult(
        asset_key=source_key(source),
        check_name=CHECK_NAME,
        passed=status == "pass",
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata=metadata,
    )


def _period(threshold: Mapping[str, Any] | None) -> str:
    if not threshold or threshold.get("count") is None:
        return "none"
    return f"{threshold['count']} {threshold['period']}s"


def source_freshness_args(sources: list[str]) -> list[str]:
    """One `--select` value, the sources separated by spaces (dbt's union), as dbt's CLI takes it."""
    return ["source", "freshness", "--select", " ".join(f"source:{DBT_SOURCE}.{s}" for s in sources)]


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=source_key(source),
            blocking=False,
            description="dbt source freshness: the newest delivery day in raw against warn 30 h / error 48 h.",
        )
        for source in SOURCE_NAMES
    ],
    can_subset=True,
    name="dbt_source_freshness",
)
def dbt_source_freshness(
    context: dg.AssetCheckExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    selected = sorted(key.asset_key.path[-1] for key in context.selected_asset_check_keys)
    dbt_env = apply_dbt_environment(warehouse.settings())
    target = invocation_target_path(f"source_freshness-{context.run.run_id[:8]}")
    # dbt exits non-zero when a source is stale; that is the check's verdict, not an error of the step.
    with kept_parse_state(target, dbt_env):
        invocation = dbt.cli(
            source_freshness_args(selected), manifest=manifest_path(), raise_on_error=False, target_path=target
        ).wait()
    if not (invocation.target_path / "sources.json").exists():
        raise dg.Failure(f"dbt source freshness wrote no sources.json (exit code {invocation.process.returncode})")
    results = {r["unique_id"].split(".")[-1]: r for r in invocation.get_artifact("sources.json")["results"]}
    for source in selected:
        if source not in results:
            raise dg.Failure(f"dbt source freshness reported nothing for raw.{source}; see the step's dbt log")
        yield freshness_result(results[source])
    verdicts = ", ".join(f"{source} {results[source]['status']}" for source in selected)
    context.log.info(f"dbt source freshness: {verdicts}")
