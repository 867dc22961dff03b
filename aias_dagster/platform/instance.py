"""The Dagster instance: DAGSTER_HOME under `.aias/` unless set, storage in Postgres.

Runs, events and schedules live in schema `dagster` of the warehouse database (dagster-postgres),
so the UI, the daemon and `aias` commands all see the same history.

Two configurations share that storage. `dagster.yaml` is the instance of the webserver and the daemon:
runs queue (at most two at once) and the daemon starts them. `cli/dagster.yaml` is the one `aias`
launches its runs with: they start at once, without waiting for a daemon that may not be running, and
are otherwise the same runs (same code location, same storage, same compute logs), so the UI shows
them on the job's page, the timeline and the asset's events like its own.
"""

from __future__ import annotations

import os
from pathlib import Path

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


def dagster_yaml(home: Path, run_coordinator: str) -> str:
    """The instance config; the storage URL comes from the environment, never from the file."""
    return f"""{GENERATED_MARKER}: edit freely and remove this line to keep your changes.
# Runs, event logs and schedules in Postgres; the URL comes from the environment, never this file.
storage:
  postgres:
    postgres_url:
      env: {STORAGE_URL_ENV}
{run_coordinator}run_retries:
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
