"""The full refresh on Spark beside the same full refresh on Postgres (issue 24, item 6).

On a fresh database with every delivery day loaded and built once on Postgres (untimed), it times:

- the export of every source table to an empty lake (`python -m aias_dagster.transform.lake`, the command the
  dbt step's own `--changed` export is), the tables apart from Spark's start and the child's imports;
- the transform job with `full_refresh` on Postgres, then on Spark (AIAS_ENGINE=spark), as the schedule and
  `aias build` run it: on Spark each dbt step brings the lake up to date, builds, and publishes the served
  relations to Postgres (docs/architecture.md, "Orchestrated on Spark"). The parts of each step are read
  from the run's own log (the lines the export and the publication print) and dbt's run_results.json.

The lake is the bench's own (`<AIAS_HOME>/bench/spark`, AIAS_HOME pointed at the bench's folder for the Spark
part), so the bench neither reads nor wipes the lake `make demo` left. Nothing is asserted on time: the figures
go to docs/benchmarks.md by hand, with where each engine wins and why.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aias_dagster.bench.loader import fresh_bench_database
from aias_dagster.bench.nightly import bench_runner, load_history
from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.orchestration.runs import InProcessRunner, build_models, step_seconds
from aias_dagster.platform.engine import ENGINE_ENV, Engine, spark_home
from aias_dagster.platform.warehouse import HOME_ENV, ConnectionSettings, aias_home, project_root, warehouse_settings
from aias_dagster.transform.engine_steps import LAKE_MODULE, run_module
from aias_dagster.transform.parse_state import environment
from aias_dagster.transform.project import apply_dbt_environment

BENCH_SPARK_DATABASE = "aias_bench_spark"
# What transform/lake.py and transform/serving.py print last; the dbt step on Spark logs both.
EXPORTED = re.compile(r"(\d+) tables exported in ([\d.]+) s")
EXPORT_WALL = re.compile(r"export with Spark's start: ([\d.]+) s")
PUBLISHED = re.compile(r"(\d+) relations published from Spark to Postgres in ([\d.]+) s")
SLOWEST_LISTED = 6
DBT_STEP = "dbt_models"  # the dbt multi-asset's steps: dbt_models and the one after the Python assets


def seconds_logged(lines: Iterable[str], pattern: re.Pattern[str]) -> float:
    """The sum of the seconds (the pattern's last group) of every line that matches: one per dbt step."""
    return sum(float(m.groups()[-1]) for line in lines if (m := pattern.search(line)))


@dataclass(frozen=True)
class NodeTimes:
    """dbt's own per-node times of one invocation (run_results.json), by resource type."""

    elapsed_s: float
    by_type: dict[str, tuple[int, float, float]]  # type: (nodes, their seconds, the median node's seconds)
    slowest_models: tuple[tuple[str, float], ...]


def node_times(run_results: Mapping) -> NodeTimes:
    times: dict[str, list[float]] = {}
    models: list[tuple[str, float]] = []
    for result in run_results["results"]:
        kind, *_, name = result["unique_id"].split(".")
        times.setdefault(kind, []).append(result["execution_time"])
        if kind == "model":
            models.append((name, result["execution_time"]))
    by_type = {kind: (len(ts), sum(ts), statistics.median(ts)) for kind, ts in sorted(times.items())}
    slowest = tuple(sorted(models, key=lambda m: -m[1])[:SLOWEST_LISTED])
    return NodeTimes(run_results["elapsed_time"], by_type, slowest)


@dataclass(frozen=True)
class FullRefresh:
    """One full refresh: its wall, each step's seconds, each dbt invocation's node times, and on Spark the lake's
    sync and the publication (summed over the run's dbt steps)."""

    engine: Engine
    wall_s: float
    steps: tuple[tuple[str, float], ...]
    dbt: tuple[NodeTimes, ...]
    sync_s: float
    publish_s: float

    @property
    def dbt_s(self) -> float:
        return sum(invocation.elapsed_s for invocation in self.dbt)

    @property
    def dbt_steps_rest_s(self) -> float:
        """The dbt steps' wall beyond the export, dbt's own elapsed time and the publication: the children's and
        dbt's starts (imports, profile, parse), dagster-dbt's events, the served relations read from the graph."""
        steps = sum(seconds for step, seconds in self.steps if step.startswith(DBT_STEP))
        return steps - self.sync_s - self.dbt_s - self.publish_s


def dbt_invocations(run_id: str, root: Path | None = None) -> tuple[NodeTimes, ...]:
    """Every dbt invocation of a run, in the order they ended (each has a target folder of its own)."""
    paths = (root or project_root()).glob(f"target/*-{run_id[:8]}-*/run_results.json")
    return tuple(node_times(json.loads(p.read_text())) for p in sorted(paths, key=lambda p: p.stat().st_mtime))


def timed_full_refresh(runner: InProcessRunner, engine: Engine, first: date, last: date) -> FullRefresh:
    print(f"full refresh on {engine} ...", flush=True)
    started = time.perf_counter()
    outcome = build_models(runner, first, last, full_refresh=True)
    wall = time.perf_counter() - started
    entries = runner.instance.all_logs(outcome.run_id)
    messages = [entry.user_message for entry in entries if entry.dagster_event is None]
    result = FullRefresh(
        engine,
        wall,
        step_seconds(entries),
        dbt_invocations(outcome.run_id),
        seconds_logged(messages, EXPORT_WALL),
        seconds_logged(messages, PUBLISHED),
    )
    print(f"  {wall:.1f}s", flush=True)
    return result


@dataclass(frozen=True)
class Export:
    tables: int
    tables_s: float  # the tables' own seconds (COPY out of Postgres, parquet written, rows counted in Spark)
    wall_s: float  # the child process: Python's imports and Spark's start besides

    @property
    def start_s(self) -> float:
        return self.wall_s - self.tables_s


def timed_export(settings: ConnectionSettings) -> Export:
    """Every source table into an empty lake, in a child process (Derby's metastore takes one process at a time,
    and a JVM holds it until it exits)."""
    shutil.rmtree(spark_home(), ignore_errors=True)
    print(f"export of every source table to an empty lake ({spark_home()}) ...", flush=True)
    lines: list[str] = []

    def keep(line: str) -> None:  # each table's line too: which tables the export's time goes to
        lines.append(line)
        print(f"  {line}", flush=True)

    started = time.perf_counter()
    run_module(LAKE_MODULE, [], settings, keep)
    wall = time.perf_counter() - started
    exported = next(m for line in lines if (m := EXPORTED.search(line)))
    print(f"  {exported[0]}, {wall:.1f}s", flush=True)
    return Export(int(exported[1]), float(exported[2]), wall)


@dataclass(frozen=True)
class SparkTimings:
    export: Export
    postgres: FullRefresh
    spark: FullRefresh


def measure_spark(landing: Path) -> SparkTimings:
    settings = fresh_bench_database(warehouse_settings(), BENCH_SPARK_DATABASE)
    days = sorted({d for s in SOURCES for d in delivery_days(landing, s.name)})
    with bench_runner(settings, landing, days[0]) as runner:
        print(f"loading {days[0]}..{days[-1]} and building dbt on Postgres (untimed) ...", flush=True)
        started = time.perf_counter()
        load_history(settings, landing, days)
        build_models(runner, days[0], days[-1])
        print(f"  {time.perf_counter() - started:.1f}s", flush=True)
        postgres = timed_full_refresh(runner, Engine.POSTGRES, days[0], days[-1])
        # The bench's own lake, and every dbt step's engine read from the environment as it starts.
        with environment({HOME_ENV: str(aias_home() / "bench"), ENGINE_ENV: Engine.SPARK.value}):
            export = timed_export(settings)
            spark = timed_full_refresh(runner, Engine.SPARK, days[0], days[-1])
        apply_dbt_environment(settings)  # the profile's output back to Postgres for whatever runs next
    return SparkTimings(export, postgres, spark)


def report_lines(t: SparkTimings) -> list[str]:
    e = t.export
    lines = [
        "make bench: the full refresh (job transform, full_refresh) on Spark beside Postgres",
        f"  export to an empty lake: {e.tables} tables {e.tables_s:.1f}s, Spark's start and imports {e.start_s:.1f}s,"
        f" {e.wall_s:.1f}s in all",
        f"  {'':<34}{'Postgres':>10}{'Spark':>10}",
        f"  {'full refresh, wall':<34}{t.postgres.wall_s:>9.1f}s{t.spark.wall_s:>9.1f}s",
        f"  {'  lake brought up to date':<34}{'':>10}{t.spark.sync_s:>9.1f}s",
        f"  {'  dbt (every invocation)':<34}{t.postgres.dbt_s:>9.1f}s{t.spark.dbt_s:>9.1f}s",
        f"  {'  published to Postgres':<34}{'':>10}{t.spark.publish_s:>9.1f}s",
        f"  {'  the rest of the dbt steps':<34}{t.postgres.dbt_steps_rest_s:>9.1f}s{t.spark.dbt_steps_rest_s:>9.1f}s",
    ]
    pg_steps, spark_steps = dict(t.postgres.steps), dict(t.spark.steps)
    for step in dict.fromkeys([*pg_steps, *spark_steps]):
        lines.append(f"  {'  step ' + step:<34}{pg_steps.get(step, 0):>9.1f}s{spark_steps.get(step, 0):>9.1f}s")
    for run in (t.postgres, t.spark):
        for index, invocation in enumerate(run.dbt, 1):
            kinds = ", ".join(
                f"{kind} {n} nodes {total:.1f}s (median {median:.2f}s)"
                for kind, (n, total, median) in invocation.by_type.items()
            )
            slowest = ", ".join(f"{name} {s:.1f}s" for name, s in invocation.slowest_models)
            lines.append(f"  {run.engine} dbt #{index}: {invocation.elapsed_s:.1f}s; {kinds}")
            lines.append(f"    slowest models: {slowest}")
    return lines
