"""The nightly run of one delivery day after a long history, beside a full refresh, in one run.

Both go through Dagster exactly as the schedule and the launchpad run them: the nightly job loads
the day and builds dbt with the day as its window; the full refresh rebuilds every model from all of
raw (and tests every row).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import psycopg

from aias_dagster.definitions import build_definitions
from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.window import load_days
from aias_dagster.jobs import NIGHTLY_JOB
from aias_dagster.runner import build_models, run_days
from aias_dagster.transform.project import apply_dbt_environment
from aias_dagster.warehouse import ConnectionSettings, aias_home, project_root


@dataclass(frozen=True)
class DbtWork:
    """What the last dbt invocation spent: in total, and inside model SQL (the part that scales with data)."""

    elapsed_s: float
    models_s: float


@dataclass(frozen=True)
class NightlyTimings:
    history_days: int
    night: date
    initial_build_s: float
    nightly_s: float
    full_refresh_s: float
    nightly_dbt: DbtWork
    full_refresh_dbt: DbtWork


def last_dbt_work() -> DbtWork:
    """From the run_results.json of the newest dagster-dbt invocation under target/."""
    newest = max((project_root() / "target").glob("dbt_models-*/run_results.json"), key=lambda p: p.stat().st_mtime)
    results = json.loads(newest.read_text())
    models = sum(r["execution_time"] for r in results["results"] if r["unique_id"].startswith("model."))
    return DbtWork(results["elapsed_time"], models)


def load_history(settings: ConnectionSettings, landing: Path, days: list[date]) -> None:
    with psycopg.connect(settings.url) as conn:
        for source in SOURCES:
            load_days(conn, source, landing, days)


def measure_nightly(settings: ConnectionSettings, landing: Path) -> NightlyTimings:
    days = sorted({d for s in SOURCES for d in delivery_days(landing, s.name)})
    history, night = days[:-1], days[-1]
    print(f"loading {len(history)} days of history ({history[0]}..{history[-1]}) ...", flush=True)
    load_history(settings, landing, history)
    apply_dbt_environment(settings)
    definitions = build_definitions(warehouse_url=settings.url, landing_dir=str(landing))
    log = aias_home() / "logs" / "bench-dbt.log"
    with dg.instance_for_test() as instance:
        print("initial dbt build of the history ...", flush=True)
        started = time.perf_counter()
        build_models(instance, definitions, dbt_log=log)
        initial = time.perf_counter() - started
        print(f"  {initial:.1f}s", flush=True)
        print(f"nightly run for {night}: load the day + incremental dbt build ...", flush=True)
        started = time.perf_counter()
        run_days(NIGHTLY_JOB, instance, night, night, definitions, dbt_log=log)
        nightly = time.perf_counter() - started
        nightly_dbt = last_dbt_work()
        print(f"  {nightly:.1f}s", flush=True)
        print("full refresh: dbt build --full-refresh of everything ...", flush=True)
        started = time.perf_counter()
        build_models(instance, definitions, dbt_log=log, full_refresh=True)
        full = time.perf_counter() - started
        full_dbt = last_dbt_work()
        print(f"  {full:.1f}s", flush=True)
    return NightlyTimings(len(history), night, initial, nightly, full, nightly_dbt, full_dbt)
