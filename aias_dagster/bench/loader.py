"""`make bench`: the loader beside plain COPY of the same files, measured in one run.

Plain COPY into an all-text table with no key is the floor: no parsing of types, no rules, no
upsert. The loader's goal is at least half its speed, with memory that does not grow with file
size (files stream through in fixed-size chunks).
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.landing import delivery_days, landing_file
from aias_dagster.ingest.loader import copy_file, load_file, read_header
from aias_dagster.platform.warehouse import ConnectionSettings, warehouse_settings

BENCH_DATABASE = "aias_bench"
BENCH_NIGHTLY_DATABASE = "aias_bench_nightly"


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


def validated_load(conn: psycopg.Connection, files: list[tuple[str, Path]]) -> Timing:
    from aias_dagster.ingest.contract import get_source

    rows = 0
    started = time.perf_counter()
    for source, path in files:
        rows += load_file(conn, get_source(source), path).lines
    return Timing(rows, time.perf_counter() - started)


def fresh_bench_database(server: ConnectionSettings, name: str = "aias_bench") -> ConnectionSettings:
    with psycopg.connect(server.with_database("postgres").url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")  # type: ignore[arg-type]
        conn.execute(f"create database {name}")  # type: ignore[arg-type]
    return server.with_database(name)


def loader_benchmark(landing: Path) -> None:
    files = bench_files(landing)
    size = sum(p.stat().st_size for _, p in files)
    largest = max(p.stat().st_size for _, p in files)
    for _, path in files:  # read once so every contender starts from the page cache
        path.read_bytes()
    settings = fresh_bench_database(warehouse_settings(), BENCH_DATABASE)
    print(
        f"{len(files)} files, {size / 1e6:.0f} MB (largest {largest / 1e6:.1f} MB) into {settings.describe()}",
        flush=True,
    )
    with psycopg.connect(settings.url, autocommit=True) as conn:
        version = conn.execute("show server_version").fetchone()[0]  # type: ignore[index]
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        contenders = (
            ("plain COPY", plain_copy),
            ("typed COPY + key", typed_copy),
            ("validated loader", validated_load),
        )
        timings: dict[str, Timing] = {}
        for name, run in contenders:
            print(f"{name} ...", flush=True)
            timings[name] = run(conn, files)
            print(f"  {timings[name].rows} rows in {timings[name].seconds:.1f}s", flush=True)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    plain, typed, loader = timings["plain COPY"], timings["typed COPY + key"], timings["validated loader"]
    print()
    print(f"make bench: Postgres {version}, {plain.rows:,} rows in {len(files)} files")
    for name, timing in timings.items():
        print(f"  {name:<18}{timing.rows_per_second:>12,.0f} rows/s  ({timing.seconds:.1f}s)")
    print(
        f"  loader speed = {loader.rows_per_second / plain.rows_per_second:.2f} x plain COPY (goal: >= 0.50), "
        f"{loader.rows_per_second / typed.rows_per_second:.2f} x typed COPY with keys"
    )
    print(
        f"  loader process peak RSS {rss_after / 1024:.0f} MiB (was {rss_before / 1024:.0f} MiB before loading; "
        f"largest file {largest / 1e6:.1f} MB)"
    )
