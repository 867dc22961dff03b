"""The monthly billing assets: closing a month writes `billing.invoices` and `billing.invoice_lines`.

Monthly partitions (UTC calendar months, the last one the month that ended), tagged `cadence=monthly`:
the nightly job never builds them, the `billing` job does. A partition's run closes every open month
up to it, oldest first, so a backfill of one month catches up the ones before it.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import dagster as dg

from aias_dagster.billing.close import CloseResult, MonthNotClosableError, closable_at, close_through
from aias_dagster.billing.settings import grace_days
from aias_dagster.platform.cadence import MONTHLY, cadence_tags
from aias_dagster.platform.loops import group
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import connect

BILLING_GROUP = "billing"
INVOICES = dg.AssetKey(["billing", "invoices"])
INVOICE_LINES = dg.AssetKey(["billing", "invoice_lines"])
UPSTREAM = [
    dg.AssetKey(["staging", "stg_platform__api_requests"]),
    dg.AssetKey(["staging", "stg_platform__subscriptions"]),
    dg.AssetKey(["seeds", "plans"]),
    dg.AssetKey(["seeds", "plan_tiers"]),
    dg.AssetKey(["seeds", "currencies"]),
]


class CloseConfig(dg.Config):
    """`force` closes a month before its grace period has ended (late deliveries then become adjustments)."""

    force: bool = False


def month_partitions(first_day: date) -> dg.MonthlyPartitionsDefinition:
    return dg.MonthlyPartitionsDefinition(start_date=first_day.replace(day=1).isoformat(), timezone="UTC")


def check_grace(month: date, now: datetime, grace: int, force: bool) -> None:
    if not force and now < closable_at(month, grace):
        raise MonthNotClosableError(
            f"{month:%Y-%m} closes at {closable_at(month, grace):%Y-%m-%d %H:%M} UTC, after its {grace}-day grace "
            "period (AIAS_BILLING_GRACE_DAYS); pass --force (config force: true) to close it now"
        )


def close_metadata(results: list[CloseResult]) -> dict[str, dg.MetadataValue]:
    closed = [r for r in results if r.closed]
    table = "\n".join(
        f"| {r.month:%Y-%m} | {r.invoices} | {', '.join(f'{c} {t}' for c, t in sorted(r.totals.items()))} | "
        f"{r.adjustments} | {r.unbillable_units} |"
        for r in closed
    )
    return {
        "months_closed": dg.MetadataValue.int(len(closed)),
        "months_already_closed": dg.MetadataValue.int(len(results) - len(closed)),
        "invoices": dg.MetadataValue.int(sum(r.invoices for r in closed)),
        "preview": dg.MetadataValue.md(
            "| month | invoices | totals | adjustments | unbillable units |\n|---|---|---|---|---|\n" + table
            if closed
            else "nothing to close: every month up to this one was closed before"
        ),
    }


def build_billing_assets(partitions: dg.MonthlyPartitionsDefinition) -> dg.AssetsDefinition:
    owner = group(BILLING_GROUP).owner
    specs = [
        dg.AssetSpec(
            INVOICES,
            deps=UPSTREAM,
            description="One finalized invoice per customer, month and currency, written exactly once.",
        ),
        dg.AssetSpec(INVOICE_LINES, deps=[INVOICES], description="Fee, usage and adjustment lines of the invoices."),
    ]

    @dg.multi_asset(
        name="billing_close",
        specs=[
            s.replace_attributes(
                group_name=BILLING_GROUP, owners=[owner], tags=cadence_tags(MONTHLY), kinds={"postgres"}
            )
            for s in specs
        ],
        partitions_def=partitions,
    )
    def billing_close(
        context: dg.AssetExecutionContext, config: CloseConfig, warehouse: WarehouseResource
    ) -> Iterator[dg.MaterializeResult]:
        month = date.fromisoformat(context.partition_key)
        check_grace(month, datetime.now(UTC), grace_days(), config.force)
        with connect(warehouse.settings(), autocommit=True) as conn:
            results = close_through(conn, month)
        metadata = close_metadata(results)
        yield dg.MaterializeResult(asset_key=INVOICES, metadata=metadata)
        yield dg.MaterializeResult(asset_key=INVOICE_LINES, metadata={"months": metadata["months_closed"]})

    return billing_close
