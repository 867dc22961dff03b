"""`make bench`: the loader beside plain and typed COPY of the same files, measured in one run.

Plain COPY into an all-text table with no key is the floor: no parsing of types, no rules, no
upsert. Typed COPY into a table with the contract's types and an index on the key is the floor of any
loader that types and keys its rows: the loader's goal is 0.8 x its speed on clean files and 0.5 x on
files with 1 % bad rows, with memory that does not grow with file size (files stream through in
fixed-size chunks). The loader runs as the pipeline runs it: every source's window (ingest/window.py),
the sources side by side on one connection per core; once more on one connection, to show the cost per
row without the parallelism.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from aias_dagster.bench.damage import DAMAGE_EVERY, damaged_world
from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.landing import delivery_days, landing_file
from aias_dagster.ingest.loader import copy_file, read_header
from aias_dagster.ingest.window import load_sources
from aias_dagster.platform.warehouse import ConnectionSettings, warehouse_settings

BENCH_DATABASE = "aias_bench"
BENCH_NIGHTLY_DATABASE = "aias_bench_nightly"
BENCH_LOADER_DATABASE = "aias_bench_loader"


@dataclass(frozen=True)
class Timing:
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def bench_files(landing: Path) -> list[tuple[str, Path]]:
    return [
        (s.name, path)
        for s in SOURCES
        for day in delivery_days(landing, s.name)
        if (path := landing_file(landing, s.name, day)) is not None
    ]


def plain_copy(conn: psycopg.Connection, files: list[tuple[str, Path]]) -> Timing:
    """COPY every file into an unvalidated all-text table (one per source), each file in its own transaction."""
    rows = 0
    started = time.perf_counter()
    for source, path in files:
        header = read_header(path)
        columns = ", ".join(f'"{c}" text' for c in header)
        with conn.transaction():
            conn.execute(f"create table if not exists plain_{source} ({columns})")  # type: ignore[arg-type]
            rows += copy_file(conn, f"copy plain_{source} from stdin (format csv, header true)", path)
    return Timing(rows, time.perf_counter() - started)


def typed_copy(conn: psycopg.Connection, files: list[tuple[str, Path]]) -> Timing:
    """COPY every file into a table with the contract's types and an index on its key, no validation:
    the floor of any loader that types and indexes its rows (a plain index, as versions of a key repeat)."""
    from aias_dagster.ingest.contract import get_source

    rows = 0
    started = time.perf_counter()
    for source_name, path in files:
        source = get_source(source_name)
        columns = ", ".join(f"{c.name} {c.pg_type}" for c in source.columns)
        with conn.transaction():
            conn.execute(f"create table if not exists typed_{source.name} ({columns})")  # type: ignore[arg-type]
            conn.execute(
                f"create index if not exists typed_{source.name}_key on typed_{source.name} ({', '.join(source.key)})"  # type: ignore[arg-type]
            )
            header = ", ".join(read_header(path))
            rows += copy_file(conn, f"copy typed_{source.name} ({header}) from stdin (format csv, header true)", path)
    return Timing(rows, time.perf_counter() - started)


@dataclass(frozen=True)
class LoadTiming(Timing):
    loaded: int = 0
    rejected: int = 0


def validated_load(settings: ConnectionSettings, landing: Path, workers: int | None = None) -> LoadTiming:
    """Every source's window through the loader, `workers` sources at a time, into a fresh database."""
    target = fresh_bench_database(settings, BENCH_LOADER_DATABASE)
    days = sorted({d for s in SOURCES for d in delivery_days(landing, s.name)})
    started = time.perf_counter()
    reports = load_sources(target, SOURCES, landing, days, workers)
    seconds = time.perf_counter() - started
    lines, loaded, rejected = (sum(getattr(r, a) for r in reports) for a in ("lines", "loaded", "rejected"))
    return LoadTiming(lines, seconds, loaded, rejected)


def fresh_bench_database(server: ConnectionSettings, name: str = "aias_bench") -> ConnectionSettings:
    with psycopg.connect(server.with_database("postgres").url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")  # type: ignore[arg-type]
        conn.execute(f"create database {name}")  # type: ignore[arg-type]
    return server.with_database(name)


@dataclass(frozen=True)
class LoaderFigures:
    """What the summary line takes from the loader benchmark."""

    typed_ratio: float
    plain_ratio: float
    peak_rss_mib: float


def loader_benchmark(landing: Path, single_connection: bool = True) -> LoaderFigures:
    """Every contender over the same files; `single_connection` adds the loader on one connection, which
    shows what the parallel sources gain and is the slowest contender (20 minutes at 200,000 customers)."""
    files = bench_files(landing)
    size = sum(p.stat().st_size for _, p in files)
    largest = max(p.stat().st_size for _, p in files)
    bad_landing = landing.parent / "landing-1pct-bad"
    print(f"damaged copy of the world (1 record in {DAMAGE_EVERY}) in {bad_landing} ...", flush=True)
    damaged = damaged_world(landing, bad_landing, files)
    for _, path in [*files, *bench_files(bad_landing)]:  # read once so every contender starts from the page cache
        path.read_bytes()
    server = warehouse_settings()
    settings = fresh_bench_database(server, BENCH_DATABASE)
    print(
        f"{len(files)} files, {size / 1e6:.0f} MB (largest {largest / 1e6:.1f} MB) into {settings.describe()}",
        flush=True,
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with psycopg.connect(settings.url, autocommit=True) as conn:
        version = conn.execute("show server_version").fetchone()[0]  # type: ignore[index]
        timings: dict[str, Timing] = {}
        for name, copy in (("plain COPY", plain_copy), ("typed COPY + key", typed_copy)):
            print(f"{name} ...", flush=True)
            timings[name] = copy(conn, files)
            print(f"  {timings[name].rows} rows in {timings[name].seconds:.1f}s", flush=True)
    loads: dict[str, LoadTiming] = {}
    contenders = [("loader", landing, None), ("loader, 1 % bad", bad_landing, None)]
    if single_connection:
        contenders.append(("loader, 1 connection", landing, 1))
    for name, world, workers in contenders:
        print(f"{name} ...", flush=True)
        loads[name] = timings[name] = validated_load(server, world, workers)
        print(f"  {timings[name].rows} rows in {timings[name].seconds:.1f}s", flush=True)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    clean, bad = loads["loader"], loads["loader, 1 % bad"]
    # Every line loaded or rejected, and the damaged records exactly the rejects.
    assert clean.rejected == 0 and clean.loaded == clean.rows, clean
    assert bad.rejected == damaged and bad.loaded + bad.rejected == bad.rows, (bad, damaged)
    plain, typed = timings["plain COPY"], timings["typed COPY + key"]
    print()
    print(f"make bench: Postgres {version}, {plain.rows:,} rows in {len(files)} files")
    for name, timing in timings.items():
        print(
            f"  {name:<22}{timing.rows_per_second:>12,.0f} rows/s  ({timing.seconds:.1f}s)"
            f"  {timing.rows_per_second / typed.rows_per_second:.2f} x typed COPY"
        )
    print(
        f"  loader = {clean.rows_per_second / typed.rows_per_second:.2f} x typed COPY with the key (goal: >= 0.80), "
        f"{bad.rows_per_second / typed.rows_per_second:.2f} x on 1 % bad rows ({bad.rejected:,} rejected; "
        f"goal: >= 0.50), {clean.rows_per_second / plain.rows_per_second:.2f} x plain COPY"
    )
    print(
        f"  loader process peak RSS {rss_after / 1024:.0f} MiB (was {rss_before / 1024:.0f} MiB before loading; "
        f"largest file {largest / 1e6:.1f} MB)"
    )
    with psycopg.connect(server.with_database("postgres").url, autocommit=True) as conn:
        # Both: at 200,000 customers the COPY contenders' tables alone are 15 GB of disk.
        for database in (BENCH_DATABASE, BENCH_LOADER_DATABASE):
            conn.execute(f"drop database if exists {database} with (force)")  # type: ignore[arg-type]
    return LoaderFigures(
        clean.rows_per_second / typed.rows_per_second, clean.rows_per_second / plain.rows_per_second, rss_after / 1024
    )
