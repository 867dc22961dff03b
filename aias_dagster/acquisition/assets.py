"""The calibrated CAC's interval: a Python asset after dbt's cac_monthly (bootstrap, calibration.py)."""

import dagster as dg

from aias_dagster.acquisition.calibration import INTERVALS_TABLE, interval_rows, write_intervals
from aias_dagster.platform.cadence import DAILY, cadence_tags
from aias_dagster.platform.freshness import DAILY_FRESHNESS
from aias_dagster.platform.loops import group
from aias_dagster.platform.resources import WarehouseResource

CAC_MONTHLY = dg.AssetKey(["marts", "cac_monthly"])
INTERVALS = dg.AssetKey(["marts", "cac_monthly_intervals"])
SURVEY_CREDITS = dg.AssetKey(["intermediate", "int_acquisition__survey_credits"])
DEFAULT_MODEL = "last_non_direct"  # dbt var attribution_model's default


@dg.asset(
    key=INTERVALS,
    deps=[CAC_MONTHLY, SURVEY_CREDITS],  # the intervals resample the survey's credits (calibration.py)
    group_name="acquisition",
    owners=[group("acquisition").owner],
    tags=cadence_tags(DAILY),
    kinds={"python", "postgres"},
    freshness_policy=DAILY_FRESHNESS,  # a mart like the others: rebuilt every night after cac_monthly
    description=f"{INTERVALS_TABLE}: 95 % bootstrap interval of every calibrated CAC of the default model.",
)
def cac_monthly_intervals(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        rows = interval_rows(conn, DEFAULT_MODEL)
        written = write_intervals(conn, DEFAULT_MODEL, rows)
    context.log.info(f"{written} channel-months with a calibrated CAC interval")
    return dg.MaterializeResult(metadata={"rows": written, "attribution_model": DEFAULT_MODEL})
