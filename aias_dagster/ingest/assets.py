"""One daily-partitioned loader asset per raw source, all built from the contract."""

import warnings
from typing import Any

import dagster as dg

from aias_dagster.ingest.contract import SOURCES, Source
from aias_dagster.ingest.window import WindowLoadError, WindowReport, load_days
from aias_dagster.platform.cadence import DAILY, cadence_tags
from aias_dagster.platform.freshness import DAILY_FRESHNESS
from aias_dagster.platform.loops import INGEST
from aias_dagster.platform.partitions import window_days
from aias_dagster.platform.resources import LandingResource, WarehouseResource
from aias_dagster.platform.retries import retry_transient


def report_metadata(report: WindowReport) -> dict[str, Any]:
    return {
        "rows_loaded": report.loaded,
        "rows_rejected": report.rejected,
        "lines_read": report.lines,
        "physical_lines_read": report.physical_lines,
        "files_loaded": report.files_loaded,
        "files_unchanged": report.files_unchanged,
        "missing_days": ", ".join(d.isoformat() for d in report.missing_days) or "none",
        "extra_columns_ignored": ", ".join(report.extra_columns) or "none",
        "ignored_files": "; ".join(f"{name} ({why})" for name, why in report.ignored_files) or "none",
        "failed_files": "\n".join(report.failed_files) or "none",
        "rejects": dg.MetadataValue.md(report.rejects_markdown()),
    }


def build_loader_asset(source: Source, partitions: dg.DailyPartitionsDefinition) -> dg.AssetsDefinition:
    columns = dg.TableSchema(
        columns=[
            dg.TableColumn(c.name, c.pg_type, description=None if c.required else "may be empty")
            for c in source.columns
        ]
    )

    @dg.asset(
        name=source.name,
        key_prefix="raw",
        group_name=INGEST.name,
        owners=[INGEST.owner],
        kinds={"postgres", "csv"},
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        freshness_policy=DAILY_FRESHNESS,
        description=f"{source.description} Loaded from `<landing>/{source.name}/<day>.csv[.gz]` "
        f"into `{source.table}`; bad rows go to `raw.load_rejects`.",
        metadata={"dagster/column_schema": columns, "dagster/table_name": f"aias.{source.table}"},
        tags={"loop": source.loop, **cadence_tags(DAILY)},
    )
    def load_source(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
    ) -> dg.MaterializeResult:
        days = window_days(context.partition_time_window)
        try:
            with retry_transient(context), warehouse.connect() as conn:
                report = load_days(conn, source, landing.directory(), days)
        except WindowLoadError as exc:
            # The files that could be loaded were; the step fails so that the bad ones are seen and fixed.
            raise dg.Failure(description=str(exc), metadata=report_metadata(exc.report)) from exc
        context.log.info(
            f"{source.name}: {report.loaded} rows loaded, {report.rejected} rejected "
            f"from {report.files_loaded} files ({report.files_unchanged} unchanged)"
        )
        for name, why in report.ignored_files:
            context.log.warning(f"{source.name}: ignored {name}: {why}")
        if report.missing_days:
            context.log.warning(f"{source.name}: no file for {', '.join(map(str, report.missing_days))}")
        return dg.MaterializeResult(metadata=report_metadata(report))

    return load_source


def build_loader_assets(partitions: dg.DailyPartitionsDefinition) -> list[dg.AssetsDefinition]:
    with warnings.catch_warnings():
        # backfill_policy is beta; single-run backfills are what we want
        warnings.simplefilter("ignore", dg.BetaWarning)
        return [build_loader_asset(source, partitions) for source in SOURCES]
