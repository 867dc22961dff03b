"""The support loop's own Dagster pieces: the ticket model (assets.py); its models come with the dbt project,
its KPI check with the scorecard's (`kpi_meets_target` on `marts/support_kpi_monthly`)."""

import dagster as dg

from aias_dagster.platform.context import DefsContext
from aias_dagster.support.assets import ticket_predictions


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(assets=[ticket_predictions])
