"""The sensors that tell someone: a run failed, a job recovered, a source went stale, a source is fresh again.

Each decides *when* to send from state Dagster already persists, so a restarted daemon neither repeats
nor loses a message:

- a run's failure or success is handled once: a run status sensor's cursor (the event log's storage id)
  moves past it when its tick succeeds; a tick whose webhook failed is evaluated again;
- whether a failure is news (the first of a streak) or the same problem again, and whether a success is
  a recovery, comes from the job's own run history in the instance;
- which sources are stale is this sensor's cursor (JSON, source -> since when), so a source alerts once
  when it goes stale and once when it is fresh again, however many ticks lie between.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import dagster as dg

from aias_dagster.ingest.freshness import newest_delivery_days
from aias_dagster.platform.alert_sink import AlertDeliveryError, AlertSink
from aias_dagster.platform.alerts import (
    Alert,
    fresh_data_alert,
    run_failure_alert,
    run_recovery_alert,
    stale_data_alert,
    ui_url,
)
from aias_dagster.platform.freshness import data_end, is_stale, stale_since
from aias_dagster.platform.resources import WarehouseResource

RUN_FAILURE_SENSOR = "run_failure_alerts"
RUN_RECOVERY_SENSOR = "run_recovery_alerts"
STALE_SOURCES_SENSOR = "stale_source_alerts"
STALE_CHECK_SECONDS = 15 * 60  # staleness is counted in hours; a quarter of an hour is early enough
HISTORY_LIMIT = 200  # runs of one job looked back over to find where a failure streak began


@dataclass(frozen=True)
class FinishedRun:
    run_id: str
    succeeded: bool
    ended: datetime


@dataclass(frozen=True)
class Streak:
    """Consecutive failed runs of a job: how many, and when the first of them ended."""

    failures: int
    since: datetime | None


def failure_streak(history: Sequence[FinishedRun], after: int) -> Streak:
    """The failed runs directly before history[after] (newest first), up to the previous success."""
    failures = 0
    since = None
    for run in history[after:]:
        if run.succeeded:
            break
        failures += 1
        since = run.ended
    return Streak(failures, since)


def streak_at(history: Sequence[FinishedRun], run_id: str) -> tuple[Streak, Streak]:
    """For the run `run_id`: the streak it belongs to (counting it), and the one before it (not counting it)."""
    position = next((i for i, run in enumerate(history) if run.run_id == run_id), None)
    if position is None:
        return Streak(0, None), Streak(0, None)
    return failure_streak(history, position), failure_streak(history, position + 1)


def job_history(instance: dg.DagsterInstance, job_name: str) -> list[FinishedRun]:
    """The job's finished runs, newest first."""
    records = instance.get_run_records(
        dg.RunsFilter(job_name=job_name, statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]),
        limit=HISTORY_LIMIT,
    )
    return [
        FinishedRun(
            r.dagster_run.run_id,
            r.dagster_run.status == dg.DagsterRunStatus.SUCCESS,
            datetime.fromtimestamp(r.end_time or r.update_timestamp.timestamp(), UTC),
        )
        for r in records
    ]


def innermost_message(error: Any) -> str:
    """The user's own exception under Dagster's wrappers: it names the file, the setting or the table."""
    if error is None:
        return ""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def failure_reason(step_errors: Sequence[tuple[str, str]], run_message: str) -> str:
    """What failed: the failed steps and their errors, else the run's own message."""
    if step_errors:
        return "\n".join(f"{step}: {message}" for step, message in step_errors[:3])
    return run_message.strip()


@dg.run_failure_sensor(
    name=RUN_FAILURE_SENSOR,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends one alert per failed run of any job of this code location (AIAS_ALERT_WEBHOOK_URL or "
    "the alert file): the job, the failed steps and their errors, how long it has been failing, the run's link.",
)
def run_failure_alerts(context: dg.RunFailureSensorContext, alerts: AlertSink) -> None:
    run = context.dagster_run
    streak, _ = streak_at(job_history(context.instance, run.job_name), run.run_id)
    steps = [
        (event.step_key or "run", innermost_message(event.event_specific_data.error))  # type: ignore[union-attr]
        for event in context.get_step_failure_events()
    ]
    sent = alerts.send(
        run_failure_alert(
            run.job_name,
            run.run_id,
            failure_reason(steps, context.failure_event.message or ""),
            streak.since or datetime.now(UTC),
            max(streak.failures, 1),
            ui_url(),
        )
    )
    context.log.info(f"alert sent to {alerts.destination()}: {sent.title}")


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name=RUN_RECOVERY_SENSOR,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends one recovery message when a job succeeds after failed runs.",
)
def run_recovery_alerts(context: dg.RunStatusSensorContext, alerts: AlertSink) -> None:
    run = context.dagster_run
    _, before = streak_at(job_history(context.instance, run.job_name), run.run_id)
    if before.failures == 0 or before.since is None:
        return
    sent = alerts.send(run_recovery_alert(run.job_name, run.run_id, before.since, before.failures, ui_url()))
    context.log.info(f"alert sent to {alerts.destination()}: {sent.title}")


def stale_transitions(
    stale: Mapping[str, str], newest: Mapping[str, date | None], now: datetime, base_url: str
) -> tuple[list[Alert], dict[str, str]]:
    """The alerts to send and the stale sources after them (source -> ISO moment it went stale).

    A source alerts when it becomes stale and when it is fresh again, never on the ticks between. A source
    with no data yet (never loaded) is neither: nothing stopped arriving.
    """
    alerts: list[Alert] = []
    after = dict(stale)
    for source, day in sorted(newest.items()):
        if day is None:
            continue
        asset = f"raw/{source}"
        if is_stale(day, now) and source not in after:
            since = stale_since(day)
            alerts.append(stale_data_alert(asset, day, now - data_end(day), since, base_url))
            after[source] = since.isoformat()
        elif not is_stale(day, now) and source in after:
            alerts.append(fresh_data_alert(asset, day, datetime.fromisoformat(after.pop(source)), base_url))
    return alerts, after


def stale_cursor(cursor: str | None) -> dict[str, str]:
    return dict(json.loads(cursor)) if cursor else {}


@dg.sensor(
    name=STALE_SOURCES_SENSOR,
    minimum_interval_seconds=STALE_CHECK_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends one alert when a raw source's newest delivery day is older than its freshness policy "
    "allows (stale after 48 h), and one when it is fresh again.",
)
def stale_source_alerts(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource, alerts: AlertSink
) -> dg.SensorResult:
    with warehouse.connect() as conn:
        newest = newest_delivery_days(conn)
    now = datetime.now(UTC)
    before = stale_cursor(context.cursor)
    to_send, after = stale_transitions(before, newest, now, ui_url())
    state, sent, problem = dict(before), 0, ""
    for alert in to_send:
        try:
            alerts.send(alert)
        except AlertDeliveryError as exc:
            # Keep what was sent; the next tick sends the rest.
            context.log.error(str(exc))
            problem = f"; not sent: {exc}"
            break
        source = alert.key.removeprefix("asset:raw/")
        if source in after:
            state[source] = after[source]
        else:
            state.pop(source, None)
        sent += 1
    summary = f"{sent} alerts sent to {alerts.destination()}; stale: {', '.join(sorted(state)) or 'none'}{problem}"
    return dg.SensorResult(skip_reason=dg.SkipReason(summary), cursor=json.dumps(state, sort_keys=True))


ALERT_SENSORS = (run_failure_alerts, run_recovery_alerts, stale_source_alerts)
