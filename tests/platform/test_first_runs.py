"""Issue 8, items 7 and 8, through Dagster for real: two first-time `aias load` at once.

The database URL carries a password (a login role made for the test), and the commands start on a new
database with a new DAGSTER_HOME, as two people's first commands would. Both loads succeed
without a traceback and without a deadlock, and the password appears nowhere the runs wrote: not in
what the commands print, the Dagster run records and event logs (the source freshness check's verdicts
among them), the compute logs, nor the run logs. Loads start no dbt; runs on the embedded server and, in
CI's second pass, on Postgres 15.

A build launched after loads, and its dbt logs and run_results.json, are checked for the password in the
UI module (tests/test_ui.py), whose nightly run and killed build connect through such a login too: one
launched build for both properties instead of one each.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.contract import SOURCES
from aias_dagster.platform.warehouse import DATABASE_URL_ENV, HOME_ENV, LANDING_DIR_ENV, ConnectionSettings
from aias_dagster.sample_data import generate_world
from tests.conftest import REPO_ROOT, drop_database
from tests.password_leaks import (
    Login,
    dagster_rows_with,
    database_with_password,
    files_with,
    freshness_verdicts,
    written_files,
)

pytestmark = pytest.mark.long_pole(seconds=60)

LOADS = 2  # launched at once: each is a CLI, a `dagster job launch`, a code server and a run worker
RACERS = 3  # threads racing in-process on the first database and storage
COMMAND_TIMEOUT = 600


@dataclass(frozen=True)
class Command:
    returncode: int
    output: str  # stdout and stderr


@dataclass(frozen=True)
class FirstRuns:
    login: Login  # the password-bearing URL the commands used, and its password
    landing: Path
    home: Path  # AIAS_HOME: DAGSTER_HOME (compute logs, instance files) and the run logs are under it
    loads: tuple[Command, ...]
    started: float  # time.time() before the first command, to tell the files the runs wrote


def aias(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "aias_dagster.cli", *args]
    return subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(process: subprocess.Popen[str]) -> Command:
    output, _ = process.communicate(timeout=COMMAND_TIMEOUT)
    return Command(process.returncode, output)


@pytest.fixture(scope="module")
def first_runs(
    pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path
) -> Iterator[FirstRuns]:
    root = tmp_path_factory.mktemp("first_runs")
    summary = generate_world(customers=40, days=3, seed=11, out=root / "landing", end=date(2026, 3, 31))
    with database_with_password(pg_server, prefix="aias_first") as login:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIAS_", "DAGSTER_"))}
        env |= {DATABASE_URL_ENV: login.settings.url, HOME_ENV: str(root / "home"), LANDING_DIR_ENV: str(summary.out)}
        started = time.time()
        loads = [aias("load", env=env) for _ in range(LOADS)]  # at once, on a database nobody used yet
        yield FirstRuns(login, summary.out, root / "home", tuple(finish(p) for p in loads), started)


@pytest.mark.slow
def test_two_first_loads_at_once_both_succeed_without_a_traceback(first_runs: FirstRuns) -> None:
    # Two of three failed with `UniqueViolation ... nspname dagster` creating Dagster's storage (two launches
    # show the race as well: the thread test below races three on the storage alone).
    for load in first_runs.loads:
        assert load.returncode == 0, load.output[-3000:]
        assert "Traceback" not in load.output, load.output[-3000:]
        assert "aias load: run " in load.output


def records_in(path: Path) -> int:
    """An independent count of a landing file's records: Python's csv over the bytes, header excluded."""
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


@pytest.mark.slow
def test_the_parallel_loads_hit_no_deadlock_and_loaded_every_record_once(first_runs: FirstRuns) -> None:
    with psycopg.connect(first_runs.login.settings.url) as conn:
        (deadlocks,) = conn.execute(
            "select deadlocks from pg_stat_database where datname = current_database()"
        ).fetchone()  # type: ignore[misc]
        audit = dict(
            conn.execute("select source || '/' || delivery_date, lines from raw.load_audit").fetchall()  # type: ignore[arg-type]
        )
    assert deadlocks == 0
    files = sorted(first_runs.landing.glob("*/*.csv"))
    assert {f"{p.parent.name}/{p.name.removesuffix('.csv')}": records_in(p) for p in files} == audit
    assert {key.split("/")[0] for key in audit} == {s.name for s in SOURCES}


@pytest.mark.slow
def test_the_password_appears_nowhere_the_runs_wrote(first_runs: FirstRuns) -> None:
    password = first_runs.login.password
    assert password in first_runs.login.settings.url  # the commands did connect with it

    for command in first_runs.loads:
        assert password not in command.output

    files = written_files([first_runs.home], first_runs.started)
    names = {p.name for p in files}
    # The places a leak would be: compute logs, the run logs, and the freshness check's verdicts (one a source
    # and load) in Dagster's event log, whose rows are read below.
    assert any(p.suffix in (".out", ".err", ".complete") for p in files), sorted(names)[:50]
    assert any(p.parent.name == "logs" and p.name.startswith("run-") for p in files)
    assert freshness_verdicts(first_runs.login) == LOADS * len(SOURCES)
    assert files_with(password, files) == []

    tables, rows, leaked = dagster_rows_with(first_runs.login)
    assert leaked == []
    assert {"runs", "event_logs", "run_tags"} <= tables and rows > 100


def test_first_commands_at_once_on_the_embedded_server_all_find_its_database(pg_server: ConnectionSettings) -> None:
    # Without AIAS_DATABASE_URL each first command creates database `aias`; at once, all but one lost the race.
    from concurrent.futures import ThreadPoolExecutor

    from aias_dagster.platform.warehouse import ensure_database

    name = f"aias_race_{uuid.uuid4().hex[:8]}"
    try:
        with ThreadPoolExecutor(RACERS) as pool:
            found = list(pool.map(lambda _: ensure_database(pg_server, name), range(RACERS)))
        assert {s.dbname for s in found} == {name}
        with psycopg.connect(found[0].url) as conn:
            assert conn.execute("select current_database()").fetchone() == (name,)
    finally:
        drop_database(pg_server, pg_server.with_database(name))


def test_first_commands_at_once_create_dagsters_storage_once_without_an_error(
    database: ConnectionSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Creating schema `dagster` and its tables at the same moment failed with `UniqueViolation ...
    # pg_namespace_nspname_index` (2 of 3 tries of 4 threads without the lock; none with it).
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from aias_dagster.platform.instance import STORAGE_URL_ENV, open_instance

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.delenv(STORAGE_URL_ENV, raising=False)
    barrier = threading.Barrier(4)

    def first_command(_: int) -> int:
        barrier.wait()
        instance = open_instance(database)
        try:
            return len(instance.get_runs())
        finally:
            instance.dispose()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(first_command, range(4))) == [0, 0, 0, 0]
    with psycopg.connect(database.url) as conn:
        tables = {t for (t,) in conn.execute("select tablename from pg_tables where schemaname = 'dagster'")}
    assert {"runs", "event_logs", "alembic_version"} <= tables
