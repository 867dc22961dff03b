"""`aias ui` serves the remediation endpoint its sensor calls: the local stand-in, or a real one from the environment.

The real command (`python -m aias_dagster.cli ui`) with its real `dagster dev`, webserver and daemon: the
daemon's remediation sensor must tick with the endpoint set, and Ctrl-C (SIGINT) or SIGTERM must stop
Dagster and the stand-in with it.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest

from aias_dagster.reliability.endpoint import start_endpoint
from aias_dagster.reliability.local_endpoint import shown_url
from aias_dagster.reliability.remediate import REMEDIATION_URL_ENV
from aias_dagster.sample_data import generate_world
from tests.conftest import REPO_ROOT, create_database, drop_database, ui_environment
from tests.test_ui import free_port, graphql

pytestmark = pytest.mark.long_pole(seconds=45)

SENSOR_TICKS = (
    '{ sensorOrError(sensorSelector: {repositoryName: "__repository__", repositoryLocationName: "aias_loops", '
    'sensorName: "remediation_sensor"}) { ... on Sensor { sensorState { ticks(limit: 5) { status skipReason } } } } }'
)
STAND_IN = re.compile(r"remediation endpoint: local stand-in on (http://127\.0\.0\.1:\d+/v1/remediations) ")


class Command:
    """A running `aias ui`, its output read line by line as it comes."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        command = [sys.executable, "-m", "aias_dagster.cli", "ui", "--port", str(port)]
        self.port = port
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.stopped_at = 0.0  # when the command had exited, after stop()
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, pattern: re.Pattern[str], seconds: float) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.lines)
                continue
            self.lines.append(line)
            if found := pattern.search(line):
                return found
        pytest.fail(f"no line matching {pattern.pattern!r} within {seconds} s:\n" + "\n".join(self.lines))

    def output(self) -> str:
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        return "\n".join(self.lines)

    def dagster_processes(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def endpoint_seen_by_dagster(self) -> set[str | None]:
        """AIAS_REMEDIATION_URL as `dagster dev`, its webserver, daemon and code servers hold it."""
        seen = set()
        for process in self.dagster_processes():
            try:
                seen.add(process.environ().get(REMEDIATION_URL_ENV))
            except psutil.NoSuchProcess:
                continue
        return seen

    def stop(self, signum: int, seconds: float = 120) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=seconds)
        self.stopped_at = time.monotonic()
        time.sleep(0.5)  # the reader thread takes the last lines
        return code


@pytest.fixture
def ui_env(tmp_path: Path, pg_server, dbt_manifest: Path) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    generate_world(customers=30, days=2, seed=3, out=tmp_path / "landing", end=yesterday)
    database = create_database(pg_server)
    env = ui_environment(tmp_path, database, {k: v for k, v in os.environ.items() if k != REMEDIATION_URL_ENV})
    try:
        yield env
    finally:
        drop_database(pg_server, database)


def first_sensor_tick(port: int, seconds: float = 300) -> dict[str, str]:
    """The remediation sensor's first tick, once the webserver answers and the daemon has evaluated it (a tick still
    being evaluated shows as STARTED: seen once its selection grew to the models downstream of the ledger)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(3)
        try:
            ticks = graphql(port, SENSOR_TICKS)["sensorOrError"]["sensorState"]["ticks"]
        except (OSError, KeyError, TypeError):
            continue
        if ticks and ticks[-1]["status"] != "STARTED":
            return ticks[-1]
    pytest.fail(f"the remediation sensor did not tick within {seconds} s")


def webserver_answers(port: int, seconds: float = 180) -> None:
    """Dagster is up: its webserver answers GraphQL with the code location loaded."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if graphql(port, "{ version }").get("version"):
                return
        except (OSError, KeyError, TypeError, ValueError):
            pass
        time.sleep(1)
    pytest.fail(f"the webserver did not answer within {seconds} s")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200 and "executions" in json.load(response)
    except (urllib.error.URLError, ConnectionError):
        return False


def test_a_configured_endpoint_is_shown_without_its_credentials() -> None:
    assert shown_url("https://ops:s3cret@fix.example.com:8443/v1/remediations?token=abc#x") == (
        "https://fix.example.com:8443/v1/remediations"
    )
    assert shown_url("http://127.0.0.1:5000/v1/remediations") == "http://127.0.0.1:5000/v1/remediations"


@pytest.mark.slow
def test_ui_starts_the_local_stand_in_for_its_sensor_and_stops_it_on_ctrl_c(ui_env: dict[str, str]) -> None:
    ui = Command(ui_env, free_port())
    try:
        url = ui.wait_for(STAND_IN, 180).group(1)
        assert answers(url)  # a real HTTP server, listening before Dagster starts
        tick = first_sensor_tick(ui.port)
        # Regression: nothing started the endpoint, so every tick skipped with "AIAS_REMEDIATION_URL is not set".
        assert tick == {"status": "SKIPPED", "skipReason": "no open auto-fixable error"}
        dagster = ui.dagster_processes()
        assert len(dagster) >= 3 and ui.endpoint_seen_by_dagster() == {url}  # dagster dev, webserver, daemon
    finally:
        pressed = time.monotonic()
        code = ui.stop(signal.SIGINT)
        stopped_after = ui.stopped_at - pressed
    assert code == 0, ui.output()
    assert f"remediation endpoint: local stand-in on {url} stopped" in ui.output()
    assert not answers(url)
    # One Ctrl-C ended it all within 10 s (it took 30 s, and Dagster's processes 30-75 s more).
    assert stopped_after <= 10, stopped_after
    _, running = psutil.wait_procs(dagster, timeout=1)
    assert not running, running  # no Dagster process outlives the command
    assert "SupersessionWarning" not in ui.output()  # `dagster dev`'s advice to use a CLI we do not ship


@pytest.mark.slow
def test_a_real_endpoint_in_the_environment_wins_and_sigterm_stops_the_ui(ui_env: dict[str, str]) -> None:
    with start_endpoint() as real:
        configured = real.url.replace("http://", "http://ops:s3cret@") + "?token=abc"
        ui = Command({**ui_env, REMEDIATION_URL_ENV: configured}, free_port())
        try:
            ui.wait_for(re.compile(r"^Dagster UI on "), 180)
            # Dagster's processes (dagster dev, webserver, daemon) hold the configured URL; the test above sees the
            # daemon's sensor tick with the URL it was given.
            webserver_answers(ui.port)
            assert len(ui.dagster_processes()) >= 3 and ui.endpoint_seen_by_dagster() == {configured}
        finally:
            code = ui.stop(signal.SIGTERM)
        text = ui.output()
        assert code == 0, text
        assert f"remediation endpoint: {real.url} (from {REMEDIATION_URL_ENV}; no local stand-in)" in text
        assert "s3cret" not in text and "token=abc" not in text and "local stand-in on" not in text
        assert answers(real.url)  # the configured endpoint is not the command's to stop
