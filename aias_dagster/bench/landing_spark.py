"""Spark reading the landing files itself, timed beside the lake export (issue 24, item 2).

The project brings raw to Spark by exporting what the loader validated in Postgres (transform/lake.py). The
alternative the issue asks to measure: Spark reads every source's landing CSVs with the contract's types (an
explicit schema from ingest/contract.py, never inference), takes `_delivery_date` from the file name and
writes parquet tables partitioned by it. This script does that plainly, without the contract's rules, so
its time is the floor of that alternative and its row counts show what the rules change: with `--compare`
it counts, per source, what the loader kept in the warehouse of AIAS_DATABASE_URL (current rows, history,
rejects) after `aias load` of the same folder. Figures: docs/architecture.md, "Raw on Spark".

    python -m aias_dagster.bench.landing_spark LANDING [--home DIR] [--compare]

--home: where Spark's warehouse and Derby metastore go (default: a throwaway folder, removed afterwards).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aias_dagster.ingest.contract import SOURCES, Kind, Source
from aias_dagster.ingest.landing import delivery_days, landing_file
from aias_dagster.ingest.loader import read_header

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DATABASE = "landing"
PARTITION_COLUMN = "_delivery_date"
# The contract's numeric is unbounded; a plain read must pick one decimal for every file up front (the export
# picks the narrowest that holds the loaded values exactly). 20 integer and 18 fractional digits.
DECIMAL = "decimal(38, 18)"
SPARK_TYPES: dict[Kind, str] = {
    Kind.TEXT: "string",
    Kind.TIMESTAMP: "timestamp",
    Kind.DATE: "date",
    Kind.INTEGER: "bigint",
    Kind.DECIMAL: DECIMAL,
    Kind.CHOICE: "string",
    Kind.COUNTRY: "string",
    Kind.CURRENCY: "string",
    Kind.JSON_OBJECT: "string",
}


@dataclass(frozen=True)
class SourceRead:
    source: str
    files: int
    rows: int
    seconds: float
    missing_required: int  # rows with a required column null: empty, or a value PERMISSIVE could not parse


def source_files(landing: Path, source: Source) -> dict[tuple[str, ...], list[str]]:
    """The source's delivered files grouped by header: Spark's CSV reader maps a schema by position, so files
    written before a column joined the contract (`may_be_absent`) are read with a schema of their own."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for day in delivery_days(landing, source.name):
        path = landing_file(landing, source.name, day)
        if path is not None:
            groups[tuple(read_header(path))].append(str(path))
    return groups


def read_source(spark: SparkSession, source: Source, header: tuple[str, ...], paths: list[str]) -> DataFrame:
    """The files of one header typed by the contract: a contract column the header lacks is null, a column the
    contract does not name is dropped (as the loader ignores it). PERMISSIVE, Spark's default: a value that
    does not parse becomes null, the row stays."""
    from pyspark.sql import functions as F

    kinds = {column.name: column.kind for column in source.columns}
    schema = ", ".join(f"`{name}` {SPARK_TYPES.get(kinds.get(name, Kind.TEXT))}" for name in header)
    frame = spark.read.csv(paths, schema=schema, header=True, multiLine=True, escape='"', mode="PERMISSIVE")
    columns = [
        F.col(f"`{c.name}`") if c.name in header else F.lit(None).cast(SPARK_TYPES[c.kind]).alias(c.name)
        for c in source.columns
    ]
    day = F.regexp_extract(F.input_file_name(), r"(\d{4}-\d{2}-\d{2})\.csv(\.gz)?$", 1).cast("date")
    return frame.select(*columns, day.alias(PARTITION_COLUMN))


def write_source(spark: SparkSession, landing: Path, source: Source) -> SourceRead:
    started = time.perf_counter()
    groups = source_files(landing, source)
    frames = [read_source(spark, source, header, paths) for header, paths in groups.items()]
    table = f"`{DATABASE}`.`{source.name}`"
    if frames:
        frame = frames[0]
        for other in frames[1:]:
            frame = frame.unionByName(other)
        frame.write.format("parquet").mode("overwrite").partitionBy(PARTITION_COLUMN).saveAsTable(table)
    rows = spark.table(table).count() if frames else 0
    seconds = time.perf_counter() - started
    files = sum(len(paths) for paths in groups.values())
    required = " or ".join(f"`{c.name}` is null" for c in source.columns if c.required)
    missing = spark.table(table).where(required).count() if frames else 0  # after the clock: a check, not the job
    return SourceRead(source.name, files, rows, seconds, missing)


def warehouse_counts() -> dict[str, tuple[int, int, int, int]]:
    """Per source, from the warehouse `aias load` filled: lines delivered, current rows, history, rejects."""
    from aias_dagster.platform.warehouse import connect, warehouse_settings

    counts = {}
    with connect(warehouse_settings()) as conn:
        for source in SOURCES:
            lines = conn.execute("select coalesce(sum(lines), 0) from raw.load_audit where source = %s", (source.name,))
            rejects = conn.execute("select count(*) from raw.load_rejects where source = %s", (source.name,))
            current = conn.execute(f"select count(*) from {source.table}")  # type: ignore[arg-type]
            history = conn.execute(f"select count(*) from {source.history_table}")  # type: ignore[arg-type]
            counts[source.name] = (
                int(lines.fetchone()[0]),  # type: ignore[index]
                int(current.fetchone()[0]),  # type: ignore[index]
                int(history.fetchone()[0]),  # type: ignore[index]
                int(rejects.fetchone()[0]),  # type: ignore[index]
            )
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--home", type=Path, help="Spark's warehouse and metastore (default: a throwaway folder)")
    parser.add_argument("--compare", action="store_true", help="count what the loader kept (AIAS_DATABASE_URL)")
    args = parser.parse_args(argv)
    from aias_dagster.transform.lake import spark_session

    home = args.home or Path(tempfile.mkdtemp(prefix="landing-spark-"))
    try:
        started = time.perf_counter()
        reads = []
        with spark_session(home) as spark:
            spark.sql(f"create database if not exists `{DATABASE}`")
            print(f"Spark's start: {time.perf_counter() - started:.1f} s", flush=True)
            for source in SOURCES:
                reads.append(write_source(spark, args.landing, source))
                r = reads[-1]
                print(
                    f"{r.source}: {r.files} files, {r.rows} rows in Spark, {r.seconds:.1f} s, "
                    f"{r.missing_required} with a required column null",
                    flush=True,
                )
        print(f"{len(reads)} sources read and written in {sum(r.seconds for r in reads):.1f} s (Spark's start apart)")
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    if args.compare:
        counts = warehouse_counts()
        print(f"{'source':<16} {'spark':>8} {'lines':>8} {'raw':>8} {'history':>8} {'rejects':>8} {'spark-raw':>9}")
        for r in reads:
            lines, current, history, rejects = counts[r.source]
            print(f"{r.source:<16} {r.rows:>8} {lines:>8} {current:>8} {history:>8} {rejects:>8} {r.rows - current:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
