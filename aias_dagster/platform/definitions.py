"""Resources and the executor every part of the code location shares."""

import dagster as dg

from aias_dagster.platform.alert_sink import AlertSink
from aias_dagster.platform.context import DefsContext
from aias_dagster.platform.resources import LandingResource, WarehouseResource


def build_defs(ctx: DefsContext) -> dg.Definitions:
    """Empty URLs and folders resolve from the environment when a run starts (see resources.py).

    Runs execute their steps in one process: the steps are database-bound (COPY, one dbt invocation),
    and a process per step would spend seconds importing Dagster for each of them on a small machine.
    """
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource(url=ctx.warehouse_url),
            "landing": LandingResource(path=ctx.landing_dir),
            "alerts": AlertSink(),
        },
        executor=dg.in_process_executor,
    )
