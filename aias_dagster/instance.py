"""The Dagster instance: DAGSTER_HOME under `.aias/` unless set, storage in Postgres.

Runs, events and schedules live in schema `dagster` of the warehouse database (dagster-postgres),
so the UI, the daemon and `aias` commands all see the same history.
"""

from __future__ import annotations

import os
from pathlib import Path

from aias_dagster.warehouse import ConnectionSettings, aias_home, dagster_storage_url

STORAGE_URL_ENV = "AIAS_DAGSTER_STORAGE_URL"
GENERATED_MARKER = "# written by aias"

DAGSTER_YAML = f"""{GENERATED_MARKER}: edit freely and remove this line to keep your changes.
# Runs, event logs and schedules in Postgres; the URL comes from the environment, never this file.
storage:
  postgres:
    postgres_url:
      env: {STORAGE_URL_ENV}
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 2
run_retries:
  enabled: true
  max_retries: 1
telemetry:
  enabled: false
"""


def dagster_home() -> Path:
    configured = os.environ.get("DAGSTER_HOME")
    return Path(configured).resolve() if configured else aias_home() / "dagster_home"


def prepare_dagster_home(settings: ConnectionSettings) -> Path:
    """Point DAGSTER_HOME and the storage URL at the warehouse, for this process and its children."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text().startswith(GENERATED_MARKER):
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    if STORAGE_URL_ENV not in os.environ:  # a configured storage URL is used as it is, untouched
        os.environ[STORAGE_URL_ENV] = dagster_storage_url(settings)
    return home
