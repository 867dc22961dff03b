"""A real `aias collect` in a process of its own, on a database of its own, with keys known to the test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

from aias_dagster.collect.keys import SENTRY_KEY_ENV, WRITE_KEY_ENV
from aias_dagster.platform.warehouse import DATABASE_URL_ENV, HOME_ENV, ConnectionSettings
from tests.conftest import REPO_ROOT

STARTUP_SECONDS = 60  # generous: the machine is shared, and this waits only as long as the start takes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningCollector:
    process: subprocess.Popen[bytes]
    url: str
    port: int
    write_key: str
    sentry_key: str
    log: Path  # everything the process wrote, stdout and stderr

    @property
    def dsn(self) -> str:
        return self.url.replace("://", f"://{self.sentry_key}@", 1) + "/1"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, whatever was in flight is cut."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_collector(
    database: ConnectionSettings, home: Path, port: int | None = None, keys: tuple[str, str] | None = None
) -> RunningCollector:
    """`aias collect` as a person starts it, on a free port; returns once /healthz answers."""
    port = port or free_port()
    write_key, sentry_key = keys or (f"wk{uuid.uuid4().hex}", f"sk{uuid.uuid4().hex}")
    home.mkdir(parents=True, exist_ok=True)
    log = home / f"collect-{port}-{time.monotonic_ns()}.log"
    env = {
        **os.environ,
        DATABASE_URL_ENV: database.url,
        HOME_ENV: str(home),
        WRITE_KEY_ENV: write_key,
        SENTRY_KEY_ENV: sentry_key,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "aias_dagster.cli", "collect", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = RunningCollector(process, f"http://127.0.0.1:{port}", port, write_key, sentry_key, log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"aias collect exited with {process.returncode}:\n{running.output()}")
        try:
            if requests.get(f"{running.url}/healthz", timeout=2).status_code == 200:
                return running
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    running.kill()
    raise RuntimeError(f"aias collect did not answer within {STARTUP_SECONDS} s:\n{running.output()}")


def capture_error(dsn: str, error: Exception, tags: dict[str, str]) -> str:
    """Send error, raised and caught, through the real Sentry SDK at dsn with tags; its event id. The SDK is
    closed afterwards, so no later test reports to this DSN."""
    import sentry_sdk

    sentry_sdk.init(dsn=dsn, default_integrations=False)
    try:
        for name, value in tags.items():
            sentry_sdk.set_tag(name, value)
        try:
            raise error
        except type(error):
            event_id = sentry_sdk.capture_exception()
        sentry_sdk.flush(timeout=10)
    finally:
        sentry_sdk.get_client().close()
    assert event_id is not None
    return event_id
