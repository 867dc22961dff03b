"""Near-real-time adoption: a new or redelivered landing file of product events is loaded and modelled within
a minute, instead of waiting for the nightly run (which stays the backstop).

The sensor keeps, as its cursor, the size and modification time of every product_events file it has seen.
A tick lists the folder (no file is read), and requests one run of the loop's job per delivery day whose file
is new or changed, keyed by that state so a file is launched once. On its very first tick it has no cursor:
it then launches the days raw.load_audit has never loaded and takes the rest as seen. While any run is
queued or in progress (a nightly, a backfill, an earlier product run) it waits: two dbt builds of the same
models at once would fight over their tables, and the file is still new at the next tick.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import dagster as dg
import psycopg

from aias_dagster.collect.sensor import ACTIVE_RUNS, collected_rows_sensor
from aias_dagster.ingest.landing import delivery_days, landing_file
from aias_dagster.orchestration.runs import RANGE_END_TAG, RANGE_START_TAG
from aias_dagster.platform.partitions import day_key
from aias_dagster.platform.resources import LandingResource, WarehouseResource
from aias_dagster.product.jobs import collected_job, near_real_time_job

SOURCE = "product_events"
INTERVAL_SECONDS = 30  # a tick every 30 s: a file is noticed within a minute, however the ticks fall
SENSOR_NAME = "product_events_landing"


def landing_state(landing: Path) -> dict[str, str]:
    """Delivery day -> 'size:mtime_ns' of its product_events file, from a listing of the folder."""
    state = {}
    for day in delivery_days(landing, SOURCE):
        path = landing_file(landing, SOURCE, day)
        if path is not None:
            stat = path.stat()
            state[day.isoformat()] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return state


def loaded_days(conn: psycopg.Connection) -> set[str]:
    """Delivery days of product_events that some load has written (an empty set before raw exists)."""
    if conn.execute("select to_regclass('raw.load_audit') is null").fetchone()[0]:  # type: ignore[index]
        return set()
    rows = conn.execute("select delivery_date from raw.load_audit where source = %s", (SOURCE,)).fetchall()
    return {d.isoformat() for (d,) in rows}


def days_to_run(previous: dict[str, str] | None, current: dict[str, str], loaded: set[str]) -> list[str]:
    """Days whose file is new or changed since the previous tick; without one, the days never loaded."""
    if previous is None:
        return sorted(day for day in current if day not in loaded)
    return sorted(day for day, seen in current.items() if previous.get(day) != seen)


def run_requests(days: list[str], current: dict[str, str], partitions: dg.PartitionsDefinition) -> list[dg.RunRequest]:
    """One run per day the job's partitions know (a day before the first partition waits for the nightly).

    The day goes as a one-day partition range, not as a partition key: the dbt asset turns a range into the
    incremental window (platform/partitions.py: partition_window), so the run reads that day's deliveries.
    """
    known = set(partitions.get_partition_keys())
    requests = []
    for day in days:
        key = day_key(date.fromisoformat(day))
        if key in known:
            tags = {RANGE_START_TAG: key, RANGE_END_TAG: key}
            requests.append(dg.RunRequest(run_key=f"{day}@{current[day]}", tags=tags))
    return requests


@dg.sensor(
    name=SENSOR_NAME,
    job=near_real_time_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads and models a new or redelivered product_events landing file within a minute.",
)
def product_events_landing(
    context: dg.SensorEvaluationContext, landing: LandingResource, warehouse: WarehouseResource
) -> dg.SensorResult:
    active = context.instance.get_runs_count(ACTIVE_RUNS)
    if active:
        return dg.SensorResult(skip_reason=f"{active} run(s) queued or in progress; the files wait for the next tick")
    current = landing_state(landing.directory())
    previous = json.loads(context.cursor) if context.cursor else None
    loaded: set[str] = set()
    if previous is None:
        with warehouse.connect() as conn:
            loaded = loaded_days(conn)
    days = days_to_run(previous, current, loaded)
    partitions = context.repository_def.get_job(near_real_time_job.name).partitions_def  # type: ignore[union-attr]
    requests = run_requests(days, current, partitions) if partitions else []
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(current, sort_keys=True))


# Events from Segment SDKs (`aias collect`): the loop's models follow within a minute of their arrival.
product_events_collected = collected_rows_sensor("product_events_collected", SOURCE, collected_job, partitioned=True)
