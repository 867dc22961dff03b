"""The Dagster instance: DAGSTER_HOME under `.aias/` unless set, storage in Postgres.

Runs, events and schedules live in schema `dagster` of the warehouse database (dagster-postgres),
so the UI, the daemon and `aias` commands all see the same history.

Two configurations share that storage. `dagster.yaml` is the instance of the webserver and the daemon:
runs queue (at most two at once) and the daemon starts them. `cli/dagster.yaml` is the one `aias`
launches its runs with: they start at once, without waiting for a daemon that may not be running, and
are otherwise the same runs (same code location, same storage, same compute logs), so the UI shows
them on the job's page, the timeline and the asset's events like its own.

Both turn on run monitoring: the daemon marks a run that does not start within
RUN_START_TIMEOUT_SECONDS failed, and cancels one running longer than RUN_MAX_RUNTIME_SECONDS. A run
whose process died is marked failed within RUN_MONITORING_POLL_SECONDS by the sensor `dead_run_workers`
(platform/run_workers.py); `aias` commands, which run without a daemon, check their own run's process
(orchestration/runs.py).

The first command on a new database creates Dagster's storage (schema `dagster`, its tables). Several
first commands at once would race on that, so `open_instance` creates it under an advisory lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import psycopg

from aias_dagster.platform.warehouse import ConnectionSettings, aias_home, dagster_storage_url

STORAGE_URL_ENV = "AIAS_DAGSTER_STORAGE_URL"
GENERATED_MARKER = "# written by aias"
CLI_HOME = "cli"

QUEUED = """run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 2
"""
IMMEDIATE = """run_coordinator:
  module: dagster.core.run_coordinator
  class: DefaultRunCoordinator
"""
RUN_MONITORING_POLL_SECONDS = 30
RUN_START_TIMEOUT_SECONDS = 180
RUN_CANCEL_TIMEOUT_SECONDS = 180
RUN_MAX_RUNTIME_SECONDS = 4 * 3600  # the demo's nightly run takes minutes; a stuck one is cancelled
STORAGE_LOCK = "aias.dagster.storage"


def dagster_yaml(home: Path, run_coordinator: str) -> str:
    """The instance config; the storage URL comes from the environment, never from the file."""
    return f"""{GENERATED_MARKER}: edit freely and remove this line to keep your changes.
# Runs, event logs and schedules in Postgres; the URL comes from the environment, never this file.
storage:
  postgres:
    postgres_url:
      env: {STORAGE_URL_ENV}
{run_coordinator}# A run that never starts is marked failed, one that runs too long cancelled (a dead process: the
# sensor dead_run_workers).
run_monitoring:
  enabled: true
  poll_interval_seconds: {RUN_MONITORING_POLL_SECONDS}
  start_timeout_seconds: {RUN_START_TIMEOUT_SECONDS}
  cancel_timeout_seconds: {RUN_CANCEL_TIMEOUT_SECONDS}
  max_runtime_seconds: {RUN_MAX_RUNTIME_SECONDS}
  max_resume_run_attempts: 0
run_retries:
  enabled: true
  max_retries: 1
local_artifact_storage:
  module: dagster.core.storage.root
  class: LocalArtifactStorage
  config:
    base_dir: {home}
compute_logs:
  module: dagster.core.storage.local_compute_log_manager
  class: LocalComputeLogManager
  config:
    base_dir: {home / "storage"}
telemetry:
  enabled: false
# No "Join the community" pop-up over the lineage graph on a fresh instance's first page.
nux:
  enabled: false
"""


def dagster_home() -> Path:
    configured = os.environ.get("DAGSTER_HOME")
    return Path(configured).resolve() if configured else aias_home() / "dagster_home"


def cli_dagster_home() -> Path:
    """The instance `aias` launches runs with: same storage as dagster_home(), runs start at once."""
    return dagster_home() / CLI_HOME


def _write_generated(config: Path, text: str) -> None:
    """Write config unless a person has taken it over (removed the marker line)."""
    config.parent.mkdir(parents=True, exist_ok=True)
    current = config.read_text() if config.exists() else None
    if current is None or (current.startswith(GENERATED_MARKER) and current != text):
        config.write_text(text)


def prepare_dagster_home(settings: ConnectionSettings) -> Path:
    """Point DAGSTER_HOME and the storage URL at the warehouse, for this process and its children."""
    home = dagster_home()
    _write_generated(home / "dagster.yaml", dagster_yaml(home, QUEUED))
    _write_generated(cli_dagster_home() / "dagster.yaml", dagster_yaml(home, IMMEDIATE))
    os.environ["DAGSTER_HOME"] = str(home)
    if STORAGE_URL_ENV not in os.environ:  # a configured storage URL is used as it is, untouched
        os.environ[STORAGE_URL_ENV] = dagster_storage_url(settings)
    return home


@contextmanager
def storage_lock(settings: ConnectionSettings) -> Iterator[None]:
    """Hold the server-wide advisory lock under which Dagster's storage is created; released on exit.

    A session-level lock on a connection of its own, so it ends with the connection, whatever happens.
    """
    with psycopg.connect(settings.url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(hashtext(%s))", (STORAGE_LOCK,))
        yield


def open_instance(settings: ConnectionSettings) -> dg.DagsterInstance:
    """prepare_dagster_home, then the instance with its storage created, one process at a time.

    dagster-postgres creates its schema's tables when the storage is first opened and retries only some
    of the races of two processes doing so (a `UniqueViolation` on `nspname dagster` is not among them),
    so three first-time `aias load` at once failed in two; under the lock the first creates the storage
    and the others find it.
    """
    with storage_lock(settings):
        prepare_dagster_home(settings)
        return dg.DagsterInstance.get()  # its storages create their tables as they are opened
