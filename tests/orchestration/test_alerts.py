"""Issue 15, acceptance 2: alerts reach a real webhook once per failure, once per recovery, once per stale source.

The webhook is an http.server on 127.0.0.1 that records what it is sent. Runs are real runs of the
platform's own `ingest` job on an instance whose storage is Postgres (as `make ui`'s), and the sensors are
evaluated tick by tick through Dagster's public sensor API, each tick with the cursor the previous one left,
as the daemon does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from aias_dagster.definitions import build_definitions
from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.orchestration.alert_sensors import run_failure_alerts, run_recovery_alerts, stale_source_alerts
from aias_dagster.orchestration.jobs import INGEST_JOB
from aias_dagster.orchestration.runs import partition_tags
from aias_dagster.platform.alert_sink import AlertSink
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.ingest.files import row, write_landing

pytestmark = [pytest.mark.slow, pytest.mark.long_pole(seconds=40)]

TODAY = datetime.now(UTC).date()
FIRST_DAY = TODAY - timedelta(days=6)
YESTERDAY = TODAY - timedelta(days=1)
WEBHOOK_TOKEN = "T0AIAS/B0ALERTS/s3cr3t-webhook-token"
DB_PASSWORD = "hunter2-db-password"


class Webhook:
    """A Slack-compatible incoming webhook: records each JSON body POSTed to it and answers 200 ok."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{WEBHOOK_TOKEN}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def texts(self) -> list[str]:
        return [body["text"] for body in self.bodies]


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Webhook]:
    hook = Webhook()
    hook.thread.start()
    monkeypatch.setenv("AIAS_ALERT_WEBHOOK_URL", hook.url)
    monkeypatch.delenv("AIAS_UI_URL", raising=False)
    try:
        yield hook
    finally:
        hook.server.shutdown()
        hook.server.server_close()


class Ticks:
    """Evaluates one sensor tick after tick, handing each tick the cursor the previous one left."""

    def __init__(self, sensor: dg.SensorDefinition, instance: dg.DagsterInstance, resources: dict[str, Any]) -> None:
        self.sensor, self.instance, self.resources = sensor, instance, resources
        self.cursor: str | None = None

    def tick(self) -> None:
        # Closed after the tick: an open context keeps the resources' instance as Dagster's current one.
        with dg.build_sensor_context(instance=self.instance, cursor=self.cursor, resources=self.resources) as context:
            self.cursor = self.sensor.evaluate_tick(context).cursor


def write_day(landing: Path, source: str, day: date, n: int) -> None:
    owner = {"customer_id": "C1-1"} if source != "customers" else {}
    write_landing(landing, source, day, [row(source, n, **owner)])


def test_a_failed_run_alerts_once_a_second_failure_once_more_and_a_success_once_as_a_recovery(
    database: ConnectionSettings, instance: dg.DagsterInstance, webhook: Webhook, tmp_path: Path, dbt_manifest: Path
) -> None:
    landing = tmp_path / "landing"
    for source in SOURCE_NAMES:
        write_day(landing, source, YESTERDAY, 1)
    broken = landing / "customers" / f"{YESTERDAY.isoformat()}.csv"
    good = broken.read_bytes()
    broken.write_bytes(b"customer_id,company_name\r\rC1\r")  # CR-only line ends: the file cannot be loaded
    ingest = build_definitions(warehouse_url=database.url, landing_dir=str(landing), first_day=FIRST_DAY)
    job = ingest.resolve_job_def(INGEST_JOB)
    resources = {"alerts": AlertSink()}
    failures, recoveries = (
        Ticks(run_failure_alerts, instance, resources),
        Ticks(run_recovery_alerts, instance, resources),
    )
    failures.tick(), recoveries.tick()  # the first tick starts from now, as a newly turned-on sensor does

    def run() -> dg.ExecuteInProcessResult:
        return job.execute_in_process(
            instance=instance, tags=partition_tags(YESTERDAY, YESTERDAY), raise_on_error=False
        )

    first = run()
    assert not first.success
    failures.tick(), recoveries.tick(), failures.tick()
    assert len(webhook.bodies) == 1, webhook.texts()
    text = webhook.texts()[0]
    assert text.startswith("FAILED: job `ingest`") and "in a row" not in text, text
    assert "raw__customers" in text and f"{YESTERDAY.isoformat()}.csv" in text, text  # what failed: step and file
    assert f"http://127.0.0.1:3000/runs/{first.run_id}" in text, text
    assert "Since " in text and " UTC." in text

    second = run()
    assert not second.success
    failures.tick(), recoveries.tick()
    assert len(webhook.bodies) == 2, webhook.texts()
    assert "(2nd failure in a row)" in webhook.texts()[1] and second.run_id in webhook.texts()[1]
    # Failing since the first failure, not the second.
    assert text.split("Since ")[1][:16] == webhook.texts()[1].split("Since ")[1][:16]

    broken.write_bytes(good)
    fixed = run()
    assert fixed.success
    failures.tick(), recoveries.tick(), recoveries.tick(), failures.tick()
    assert len(webhook.bodies) == 3, webhook.texts()
    recovery = webhook.texts()[2]
    assert recovery.startswith("RECOVERED: job `ingest`") and "After 2 failed runs." in recovery, recovery
    assert f"/runs/{fixed.run_id}" in recovery

    # A further success is no news.
    assert run().success
    failures.tick(), recoveries.tick()
    assert len(webhook.bodies) == 3, webhook.texts()

    # The source freshness check ran in the same run and is on the loader asset for the UI.
    checked = {(e.asset_key.to_user_string(), e.check_name) for e in fixed.get_asset_check_evaluations()}
    assert ("raw/customers", "dbt_source_freshness") in checked, checked


def test_a_failure_whose_error_quotes_the_database_url_does_not_send_its_password(
    instance: dg.DagsterInstance, webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_url = f"postgresql://aias:{DB_PASSWORD}@db.internal:5432/aias"
    monkeypatch.setenv("AIAS_DATABASE_URL", secret_url)

    @dg.op
    def connect_carelessly() -> None:
        # What a driver error can look like: the whole connection string, password included.
        raise RuntimeError(f"could not connect to {secret_url} (password={DB_PASSWORD})")

    @dg.job
    def leaky() -> None:
        connect_carelessly()

    failures = Ticks(run_failure_alerts, instance, {"alerts": AlertSink()})
    failures.tick()
    assert not leaky.execute_in_process(instance=instance, raise_on_error=False).success
    failures.tick()

    assert len(webhook.bodies) == 1, webhook.texts()
    text = webhook.texts()[0]
    assert "could not connect to postgresql://aias:***@db.internal:5432/aias" in text, text
    assert DB_PASSWORD not in json.dumps(webhook.bodies) and WEBHOOK_TOKEN not in json.dumps(webhook.bodies)


def test_a_source_that_stops_receiving_files_alerts_once_and_once_more_when_it_is_fresh_again(
    database: ConnectionSettings, instance: dg.DagsterInstance, webhook: Webhook, tmp_path: Path, dbt_manifest: Path
) -> None:
    landing = tmp_path / "landing"
    stopped = "support_tickets"
    for offset, day in enumerate(FIRST_DAY + timedelta(days=i) for i in range(6)):
        for source in SOURCE_NAMES:
            if source != stopped or day <= FIRST_DAY + timedelta(days=1):  # its last file: five days ago
                write_day(landing, source, day, offset + 1)
    definitions = build_definitions(warehouse_url=database.url, landing_dir=str(landing), first_day=FIRST_DAY)
    job = definitions.resolve_job_def(INGEST_JOB)
    loaded = job.execute_in_process(instance=instance, tags=partition_tags(FIRST_DAY, YESTERDAY))
    assert loaded.success

    stale = Ticks(
        stale_source_alerts, instance, {"alerts": AlertSink(), "warehouse": WarehouseResource(url=database.url)}
    )
    stale.tick()
    stale.tick()  # the next tick finds the same stale source: no second message
    assert len(webhook.bodies) == 1, webhook.texts()
    text = webhook.texts()[0]
    last_day = FIRST_DAY + timedelta(days=1)
    assert text.startswith(f"STALE: asset `raw/{stopped}` has had no new delivery for "), text
    assert f"newest delivery day is {last_day.isoformat()}" in text
    assert f"Since {(last_day + timedelta(days=3)).isoformat()} 00:00 UTC." in text  # end of day + 48 h
    assert f"http://127.0.0.1:3000/assets/raw/{stopped}" in text
    assert json.loads(stale.cursor or "{}").keys() == {stopped}

    # The source freshness check (dbt's rule and thresholds), in the same run, said the same of the same source.
    checks = {
        e.asset_key.path[-1]: e.passed
        for e in loaded.get_asset_check_evaluations()
        if e.check_name == "dbt_source_freshness"
    }
    assert checks == {source: source != stopped for source in SOURCE_NAMES}, checks

    # Its files arrive again: one message that it is fresh, then silence.
    write_day(landing, stopped, YESTERDAY, 99)
    assert job.execute_in_process(instance=instance, tags=partition_tags(YESTERDAY, YESTERDAY)).success
    stale.tick()
    stale.tick()
    assert len(webhook.bodies) == 2, webhook.texts()
    assert webhook.texts()[1].startswith(f"FRESH again: asset `raw/{stopped}`"), webhook.texts()[1]
    assert json.loads(stale.cursor or "{}") == {}
