"""The reliability loop's own Dagster pieces; its models come with the dbt project."""

import dagster as dg

from aias_dagster.platform.context import DefsContext
from aias_dagster.reliability.assets import remediations
from aias_dagster.reliability.jobs import collected_job, reliability_marts_job
from aias_dagster.reliability.sensors import app_errors_collected, remediation_sensor


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(
        assets=[remediations],
        jobs=[reliability_marts_job, collected_job],
        sensors=[remediation_sensor, app_errors_collected],
    )
