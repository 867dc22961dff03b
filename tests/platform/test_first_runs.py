"""Issue 8, items 7 and 8, through Dagster for real: three first-time `aias load` at once, then a build.

The database URL carries a password (a login role made for the test), and the commands start on a new
database with a new DAGSTER_HOME, as three people's first commands would. All three loads succeed
without a traceback and without a deadlock, and the password appears nowhere the runs wrote: not in
what the commands print, the Dagster run records and event logs, the compute logs, the run logs, nor
dbt's logs and target files. Runs on the embedded server and, in CI's second pass, on Postgres 15.
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
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from aias_dagster.ingest.contract import SOURCES
from aias_dagster.platform.warehouse import DATABASE_URL_ENV, HOME_ENV, LANDING_DIR_ENV, ConnectionSettings
from aias_dagster.sample_data import generate_world
from tests.conftest import REPO_ROOT, create_database, drop_database

pytestmark = pytest.mark.long_pole(seconds=150)

# Unique to this session, so finding it anywhere can only mean it leaked from the URL.
PASSWORD = f"Pw{uuid.uuid4().hex[:12]}Secret"
LOADS = 3
COMMAND_TIMEOUT = 600


@dataclass(frozen=True)
class Command:
    returncode: int
    output: str  # stdout and stderr


@dataclass(frozen=True)
class FirstRuns:
    settings: ConnectionSettings  # the password-bearing URL the commands used
    landing: Path
    home: Path  # AIAS_HOME: DAGSTER_HOME (compute logs, instance files) and the run logs are under it
    loads: tuple[Command, ...]
    build: Command
    started: float  # time.time() before the first command, to tell the files the runs wrote


def with_login(settings: ConnectionSettings, user: str, password: str) -> ConnectionSettings:
    split = urlsplit(settings.url)
    netloc = f"{user}:{password}@" + split.netloc.rsplit("@", 1)[-1]
    return ConnectionSettings(urlunsplit(split._replace(netloc=netloc)))


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
    role = f"aias_pw_{uuid.uuid4().hex[:8]}"
    database = create_database(pg_server, prefix="aias_first")
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("create role {} login superuser password {}").format(sql.Identifier(role), PASSWORD))
    settings = with_login(database, role, PASSWORD)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIAS_", "DAGSTER_"))}
    env |= {DATABASE_URL_ENV: settings.url, HOME_ENV: str(root / "home"), LANDING_DIR_ENV: str(summary.out)}
    started = time.time()
    try:
        loads = [aias("load", env=env) for _ in range(LOADS)]  # at once, on a database nobody used yet
        finished = tuple(finish(p) for p in loads)
        build = finish(aias("build", env=env)) if all(c.returncode == 0 for c in finished) else Command(-1, "")
        yield FirstRuns(settings, summary.out, root / "home", finished, build, started)
    finally:
        drop_database(pg_server, database)
        with psycopg.connect(pg_server.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))


@pytest.mark.slow
def test_three_first_loads_at_once_all_succeed_without_a_traceback(first_runs: FirstRuns) -> None:
    # Two of three failed with `UniqueViolation ... nspname dagster` creating Dagster's storage.
    for load in first_runs.loads:
        assert load.returncode == 0, load.output[-3000:]
        assert "Traceback" not in load.output, load.output[-3000:]
        assert "aias load: run " in load.output
    assert first_runs.build.returncode == 0, first_runs.build.output[-3000:]


def records_in(path: Path) -> int:
    """An independent count of a landing file's records: Python's csv over the bytes, header excluded."""
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


@pytest.mark.slow
def test_the_parallel_loads_hit_no_deadlock_and_loaded_every_record_once(first_runs: FirstRuns) -> None:
    with psycopg.connect(first_runs.settings.url) as conn:
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


def written_files(first_runs: FirstRuns) -> list[Path]:
    """Every file the commands and their runs wrote: under AIAS_HOME, and dbt's target/ and logs/."""
    files = [p for p in first_runs.home.rglob("*") if p.is_file()]
    for folder in (REPO_ROOT / "target", REPO_ROOT / "logs"):
        files += [p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime >= first_runs.started]
    return files


@pytest.mark.slow
def test_the_password_appears_nowhere_the_runs_wrote(first_runs: FirstRuns) -> None:
    secret = PASSWORD.encode()
    assert secret in first_runs.settings.url.encode()  # the commands did connect with it

    for command in (*first_runs.loads, first_runs.build):
        assert PASSWORD not in command.output

    files = written_files(first_runs)
    names = {p.name for p in files}
    # The places a leak would be: compute logs, the run logs, dbt's log and its run artifacts.
    assert any(p.suffix in (".out", ".err", ".complete") for p in files), sorted(names)[:50]
    assert any(p.parent.name == "logs" and p.name.startswith("run-") for p in files)
    assert "dbt.log" in names and "run_results.json" in names
    leaked = [str(p) for p in files if secret in p.read_bytes()]
    assert leaked == []

    # Dagster's run records, event logs, tags and daemon state, every row of every table as text.
    with psycopg.connect(first_runs.settings.url) as conn:
        tables = [t for (t,) in conn.execute("select tablename from pg_tables where schemaname = 'dagster'")]
        rows = 0
        for table in tables:
            query = sql.SQL("select t::text from {} as t").format(sql.Identifier("dagster", table))
            texts = [text for (text,) in conn.execute(query)]
            rows += len(texts)
            assert not [t for t in texts if PASSWORD in t], table
    assert {"runs", "event_logs", "run_tags"} <= set(tables) and rows > 100


def test_first_commands_at_once_on_the_embedded_server_all_find_its_database(pg_server: ConnectionSettings) -> None:
    # Without AIAS_DATABASE_URL each first command creates database `aias`; at once, all but one lost the race.
    from concurrent.futures import ThreadPoolExecutor

    from aias_dagster.platform.warehouse import ensure_database

    name = f"aias_race_{uuid.uuid4().hex[:8]}"
    try:
        with ThreadPoolExecutor(LOADS) as pool:
            found = list(pool.map(lambda _: ensure_database(pg_server, name), range(LOADS)))
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
