"""The support loop's own Dagster pieces; its models come with the dbt project, its KPI check with the
scorecard's (`kpi_meets_target` on `marts/support_kpi_monthly`)."""

import dagster as dg

from aias_dagster.platform.context import DefsContext


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions()
