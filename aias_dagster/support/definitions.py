"""The support loop's own Dagster pieces; its models come with the dbt project."""

import dagster as dg


def build_support_defs() -> dg.Definitions:
    return dg.Definitions()  # its KPI check is the scorecard's kpi_check("support")
