"""What a dbt step does around `dbt build` on Spark: the lake brought up to date before, the served relations
published after (transform/lake.py, transform/serving.py).

Each runs as a child process of the step: Spark's Derby metastore takes one process at a time, dbt's own
session (a child process too) opens it in between, and a child's JVM releases it when it exits. Its output
goes to the step's log, a line at a time, so the UI shows the export and the publication as they go.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings

LAKE_MODULE = "aias_dagster.transform.lake"
SERVING_MODULE = "aias_dagster.transform.serving"


class EngineStepError(RuntimeError):
    pass


def run_module(module: str, args: Sequence[str], settings: ConnectionSettings, log: Callable[[str], None]) -> None:
    """`python -m module args` on the step's warehouse; its output logged; its failure raised with the last
    lines it printed."""
    command = [sys.executable, "-m", module, *args]
    env = {**os.environ, DATABASE_URL_ENV: settings.url}
    lines: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as child:
        assert child.stdout is not None
        for line in child.stdout:
            line = line.rstrip()
            if line and not _is_spark_noise(line):
                lines.append(line)
                log(line)
    if child.returncode != 0:
        tail = "\n".join(lines[-20:])
        raise EngineStepError(f"`python -m {module}` failed (exit {child.returncode}):\n{tail}")


# What every Spark start prints to stderr whatever it does (the JVM's notices, log4j's defaults, a progress bar).
SPARK_NOISE = ("WARN ", "Using Spark's default", "Setting default log level", "To adjust logging level",
               "WARNING: Using incubator", "[Stage ", "FutureWarning", "require_minimum_pandas_version")  # fmt: skip


def _is_spark_noise(line: str) -> bool:
    return any(marker in line for marker in SPARK_NOISE)


def sync_lake(settings: ConnectionSettings, log: Callable[[str], None]) -> None:
    """Export to the lake every source table whose rows changed since its last export."""
    run_module(LAKE_MODULE, ["--changed"], settings, log)


def publish_served(relations: Sequence[str], settings: ConnectionSettings, log: Callable[[str], None]) -> None:
    """Publish these relations from the lake to the warehouse's Postgres."""
    if relations:
        run_module(SERVING_MODULE, list(relations), settings, log)
