"""The nightly run of one delivery day after a long history, beside a full refresh, in one run.

Every run goes through Dagster exactly as the schedule and the launchpad run them:

- the nightly job after a third of the history and again after all of it (89 days): it loads the day's
  files and builds dbt with the day as its window. If a night costs one day of work, the two cost the same;
- the nightly job for a day without deliveries (the day before the first one): the same run with no data
  to read, the floor every night pays (starting the run and dbt, parsing, ~200 nodes, and the small
  entity tables some models and tests read whole);
- a full refresh: every model rebuilt from all of raw, every row tested.

Wall time at this size is mostly that floor, so each run also reports the rows Postgres read for it
(sequential and index scans, from pg_stat_database): a measure that does not depend on the machine's
speed, and the one that grows with the history a run reads.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import psycopg

from aias_dagster.definitions import build_definitions
from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.window import load_days
from aias_dagster.orchestration.jobs import NIGHTLY_JOB
from aias_dagster.orchestration.runs import InProcessRunner, build_models, run_days
from aias_dagster.platform.warehouse import ConnectionSettings, project_root
from aias_dagster.transform.project import apply_dbt_environment

# Backends flush their statistics when they exit; give the last ones a moment before reading them.
STATS_SETTLE_S = 1.0
# The first nightly run comes after this share of the history.
EARLY_SHARE = 3


@dataclass(frozen=True)
class DbtWork:
    """What the last dbt invocation spent: in total, and inside model SQL (the part that scales with data)."""

    elapsed_s: float
    models_s: float


@dataclass(frozen=True)
class RunCost:
    """One timed run: its wall clock, its dbt invocation, the rows it delivered and the rows Postgres read."""

    label: str
    wall_s: float
    dbt: DbtWork
    rows_delivered: int
    rows_read: int
    # The tables the run read most rows of (sequential and index fetches), largest first: which models read
    # the history. The rest of rows_read is index entries and the system catalogs dbt reads per node.
    tables_read: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class NightlyTimings:
    early_nightly: RunCost
    nightly: RunCost
    quiet_nightly: RunCost
    full_refresh: RunCost

    def runs(self) -> tuple[RunCost, ...]:
        return self.early_nightly, self.nightly, self.quiet_nightly, self.full_refresh


def last_dbt_work() -> DbtWork:
    """From the run_results.json of the newest dagster-dbt invocation under target/."""
    newest = max((project_root() / "target").glob("dbt_models-*/run_results.json"), key=lambda p: p.stat().st_mtime)
    results = json.loads(newest.read_text())
    models = sum(r["execution_time"] for r in results["results"] if r["unique_id"].startswith("model."))
    return DbtWork(results["elapsed_time"], models)


# Tables listed per run in the report.
TABLES_LISTED = 8


@dataclass(frozen=True)
class Reads:
    """Rows the database's backends have read by sequential and index scans so far: in all, and per table."""

    rows: int
    by_table: dict[str, int]

    def since(self, before: Reads) -> tuple[int, tuple[tuple[str, int], ...]]:
        grown = {t: n - before.by_table.get(t, 0) for t, n in self.by_table.items()}
        largest = sorted(((t, n) for t, n in grown.items() if n > 0), key=lambda tn: -tn[1])
        return self.rows - before.rows, tuple(largest[:TABLES_LISTED])


def rows_read(settings: ConnectionSettings) -> Reads:
    time.sleep(STATS_SETTLE_S)
    with psycopg.connect(settings.url, autocommit=True) as conn:
        conn.execute("select pg_stat_clear_snapshot()")
        row = conn.execute(
            "select tup_returned + tup_fetched from pg_stat_database where datname = current_database()"
        ).fetchone()
        tables = conn.execute(
            "select schemaname || '.' || relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)"
            " from pg_stat_user_tables"
        ).fetchall()
    return Reads(int(row[0]) if row else 0, {t: int(n) for t, n in tables})


def rows_delivered(settings: ConnectionSettings, first: date | None = None, last: date | None = None) -> int:
    """Rows loaded into raw for delivery days first..last (every day without bounds), from the load audit."""
    with psycopg.connect(settings.url) as conn:
        row = conn.execute(
            "select coalesce(sum(loaded), 0) from raw.load_audit"
            " where delivery_date between coalesce(%s, '-infinity'::date) and coalesce(%s, 'infinity'::date)",
            (first, last),
        ).fetchone()
    return int(row[0]) if row else 0


def timed(
    settings: ConnectionSettings, label: str, run: Callable[[], object], window: tuple[date, date] | None = None
) -> RunCost:
    """Run and measure; `window` is the delivery days the run builds (None: all of them, a full refresh)."""
    print(f"{label} ...", flush=True)
    read_before = rows_read(settings)
    started = time.perf_counter()
    run()
    wall = time.perf_counter() - started
    delivered = rows_delivered(settings, *(window or (None, None)))
    read, tables = rows_read(settings).since(read_before)
    cost = RunCost(label, wall, last_dbt_work(), delivered, read, tables)
    print(f"  {wall:.1f}s", flush=True)
    return cost


@contextmanager
def bench_runner(settings: ConnectionSettings, landing: Path, first_day: date) -> Iterator[InProcessRunner]:
    """The project's definitions over the bench database and landing folder (partitions from `first_day`),
    run in process on a throwaway Dagster instance: what every timed part of the bench launches its jobs on."""
    apply_dbt_environment(settings)
    definitions = build_definitions(warehouse_url=settings.url, landing_dir=str(landing), first_day=first_day)
    with dg.instance_for_test() as instance:
        yield InProcessRunner(definitions, instance)


def load_history(settings: ConnectionSettings, landing: Path, days: list[date]) -> None:
    with psycopg.connect(settings.url) as conn:
        for source in SOURCES:
            load_days(conn, source, landing, days)


def prepare_history(settings: ConnectionSettings, landing: Path, held_back: str) -> None:
    """Every delivery day loaded and every daily model built, untimed, except the last day of `held_back`
    (a source's name): the night after it then loads that file for real."""
    days = sorted({d for s in SOURCES for d in delivery_days(landing, s.name)})
    with bench_runner(settings, landing, days[0]) as runner:
        print(f"loading {days[0]}..{days[-1]} ({held_back} to {days[-2]}) and building dbt ...", flush=True)
        started = time.perf_counter()
        with psycopg.connect(settings.url) as conn:
            for source in SOURCES:
                load_days(conn, source, landing, days[:-1] if source.name == held_back else days)
        build_models(runner, days[0], days[-1])
        print(f"  {time.perf_counter() - started:.1f}s", flush=True)


def measure_nightly(settings: ConnectionSettings, landing: Path) -> NightlyTimings:
    days = sorted({d for s in SOURCES for d in delivery_days(landing, s.name)})
    early = len(days) // EARLY_SHARE
    history, night = days[:-1], days[-1]
    quiet_night = days[0] - timedelta(days=1)
    # Partitions from the quiet night on, so the night before the first delivery is a partition too.
    with bench_runner(settings, landing, quiet_night) as runner:

        def nightly(label: str, day: date) -> RunCost:
            return timed(settings, label, functools.partial(run_days, runner, NIGHTLY_JOB, day, day), (day, day))

        print(f"loading {early} days of history ({days[0]}..{days[early - 1]}) and building dbt ...", flush=True)
        started = time.perf_counter()
        load_history(settings, landing, days[:early])
        build_models(runner, days[0], days[early - 1])
        print(f"  {time.perf_counter() - started:.1f}s", flush=True)
        early_nightly = nightly(f"nightly {days[early]} after {early} days", days[early])

        print(f"loading the rest of the history (..{history[-1]}) and building dbt ...", flush=True)
        started = time.perf_counter()
        load_history(settings, landing, history[early + 1 :])
        build_models(runner, days[early + 1], history[-1])
        print(f"  {time.perf_counter() - started:.1f}s", flush=True)
        late_nightly = nightly(f"nightly {night} after {len(history)} days", night)
        quiet = nightly(f"nightly {quiet_night}, nothing delivered", quiet_night)
        full = timed(
            settings,
            f"full refresh of all {len(days)} days",
            lambda: build_models(runner, days[0], days[-1], full_refresh=True),
        )
    return NightlyTimings(early_nightly, late_nightly, quiet, full)
