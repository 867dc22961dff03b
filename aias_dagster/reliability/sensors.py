"""Every 5 minutes: new open auto-fixable errors start a run of the remediation ledger asset, and of what reads it
(the reliability marts, the scorecard, the pages), so the numbers follow the fixes without waiting for the night."""

import os

import dagster as dg

from aias_dagster.collect.sensor import collected_rows_sensor
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.reliability.assets import REMEDIATIONS_KEY
from aias_dagster.reliability.backoff import load_playbooks
from aias_dagster.reliability.jobs import AFTER_REMEDIATIONS, collected_job
from aias_dagster.reliability.ledger import key_states
from aias_dagster.reliability.remediate import REMEDIATION_URL_ENV, SENSOR_INTERVAL, idempotency_key, pending_errors


def open_work(warehouse: WarehouseResource) -> list[str]:
    """Ids of the open auto-fixable errors whose action is not done yet."""
    playbooks = load_playbooks()
    with warehouse.connect() as conn:
        items = pending_errors(conn)
        has_ledger = conn.execute("select to_regclass('ops.remediations') is not null").fetchone()[0]
        done = {k for k, s in key_states(conn).items() if s.done} if has_ledger else set()
    return [x.error_id for x in items if idempotency_key(x.error_id, playbooks[x.category]) not in done]


@dg.sensor(
    asset_selection=dg.AssetSelection.assets(REMEDIATIONS_KEY) | AFTER_REMEDIATIONS,
    minimum_interval_seconds=int(SENSOR_INTERVAL.total_seconds()),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs the playbooks of new open auto-fixable errors against AIAS_REMEDIATION_URL, then rebuilds "
    "the models, the scorecard and the pages that read the ledger.",
)
def remediation_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    if not os.environ.get(REMEDIATION_URL_ENV):
        return dg.SensorResult(skip_reason=f"{REMEDIATION_URL_ENV} is not set")
    work = open_work(warehouse)
    if not work:
        return dg.SensorResult(skip_reason="no open auto-fixable error")
    # One run per set of open work: a tick that finds the same errors (a run still going) starts nothing.
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"remediate-{work[-1]}-{len(work)}")])


# Errors from Sentry SDKs (`aias collect`): classified and in marts.error_events within a minute of their arrival,
# where the remediation sensor's next tick finds them.
app_errors_collected = collected_rows_sensor("app_errors_collected", "app_errors", collected_job, partitioned=False)
