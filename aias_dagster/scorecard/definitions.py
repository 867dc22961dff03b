"""The scorecard's Dagster pieces. Its marts (`marts.loop_scorecard`, `marts.loop_scorecard_monthly`) are dbt
models of the folder models/marts/scorecard/, so group `scorecard`, its owner and the nightly run come from
the transform machinery; here is what Python adds: the check against the registry of loops, and every loop's
KPI check (`kpi_meets_target` on `marts/<loop>_kpi_monthly`), one rule for all five."""

import dagster as dg

from aias_dagster.platform.context import DefsContext
from aias_dagster.platform.kpi import kpi_check
from aias_dagster.platform.loops import LOOPS
from aias_dagster.scorecard.checks import every_registered_loop_is_on_the_scorecard


def build_defs(ctx: DefsContext) -> dg.Definitions:
    kpi_checks = [kpi_check(loop) for loop in LOOPS]
    return dg.Definitions(asset_checks=[every_registered_loop_is_on_the_scorecard, *kpi_checks])
