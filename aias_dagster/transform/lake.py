"""The Postgres tables dbt reads, exported to Spark: parquet tables of the same schema and name.

Spark's dbt build (AIAS_ENGINE=spark) reads what Postgres holds: the validated raw layer the loader wrote
(every table of `raw`, rejects and history included) and the tables the Python assets write (the dbt
sources outside `raw`: ops, support_python, billing, the calibrated CAC's intervals in marts). Each is read
with one `COPY ... TO STDOUT (FORMAT csv)`, every column as text, and typed again in Spark with Spark's own
casts, so nothing depends on a CSV reader's guesses: timestamps travel as microseconds since the epoch (no
time zone involved), an unbounded numeric as decimal(p, s) just wide enough for the largest value it holds
(exact, and narrow enough that Spark's decimal arithmetic keeps its scale), jsonb as its text, text[] as
JSON. A table with `_delivery_date` is partitioned by it: an incremental build reads only its window's files,
and a delivery day reloaded replaces one partition. Why an export rather than Spark reading the landing files:
docs/architecture.md, "Engines".

Run it as `python -m aias_dagster.transform.lake` (the warehouse of AIAS_DATABASE_URL or the embedded server,
the lake under AIAS_HOME); it prints each table's rows on both sides and the time it took.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from aias_dagster.platform.engine import spark_home, spark_session_conf
from aias_dagster.platform.warehouse import ConnectionSettings, connect
from aias_dagster.transform.project import manifest_path
from aias_dagster.transform.table_facts import RELATION_FACTS_SQL

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

RAW_SCHEMA = "raw"
# Null as an unquoted \N and every other value quoted, so that Spark's CSV reader tells null from '' (it reads
# an unquoted empty field as null, and a value equal to its nullValue too: a text of exactly \N would be read
# as null, the one value this cannot carry). multiLine on the reader: a quoted value may hold line breaks.
NULL_TEXT = "\\N"
CSV_OPTIONS = "format csv, null '\\N', force_quote *"
PARTITION_COLUMN = "_delivery_date"
LOADED_AT_COLUMN = "_loaded_at"
# In the lake's folder: each table's fingerprint at its last export (export_to_spark's changed_only).
EXPORTED_FILE = "exported.json"
# Postgres types whose text Spark's cast reads as is, and the Spark type it casts to.
DIRECT_TYPES = {
    "text": "string",
    "character varying": "string",
    "date": "date",
    "bigint": "bigint",
    "integer": "int",
    "smallint": "smallint",
    "boolean": "boolean",
    "double precision": "double",
    "real": "float",
    "jsonb": "string",
    "json": "string",
    "uuid": "string",
}


@dataclass(frozen=True)
class Column:
    name: str
    postgres_type: str
    spark_type: str

    def exported(self) -> str:
        """The column as the COPY writes it (text Spark can cast exactly)."""
        quoted = f'"{self.name}"'
        if self.postgres_type.startswith("timestamp"):
            return f"(extract(epoch from {quoted}) * 1000000)::bigint"
        if self.postgres_type.endswith("[]"):
            return f"to_json({quoted})::text"
        return f"{quoted}::text"

    def typed(self) -> str:
        """The Spark expression that types the exported text again."""
        quoted = f"`{self.name}`"
        if self.postgres_type.startswith("timestamp with"):
            return f"timestamp_micros(cast({quoted} as bigint)) as {quoted}"
        if self.postgres_type.startswith("timestamp"):
            return f"cast(timestamp_micros(cast({quoted} as bigint)) as timestamp_ntz) as {quoted}"
        if self.postgres_type.endswith("[]"):
            return f"from_json({quoted}, '{self.spark_type}') as {quoted}"
        return f"cast({quoted} as {self.spark_type}) as {quoted}"


@dataclass(frozen=True)
class ExportedTable:
    schema: str
    name: str
    postgres_rows: int
    spark_rows: int
    partitioned: bool
    seconds: float


def source_tables(conn: psycopg.Connection, manifest: Path) -> list[tuple[str, str]]:
    """Every table of `raw`, and the dbt sources elsewhere (the Python assets' tables) that exist now."""
    sources = {(node["schema"], node["name"]) for node in json.loads(manifest.read_text())["sources"].values()}
    rows = conn.execute(
        """
        select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and (table_schema = %s or (table_schema, table_name) in (
            select * from unnest(%s::text[], %s::text[])))
        order by 1, 2
        """,
        (RAW_SCHEMA, [schema for schema, _ in sources], [name for _, name in sources]),
    ).fetchall()
    return [(schema, name) for schema, name in rows]


def table_columns(conn: psycopg.Connection, schema: str, table: str) -> list[Column]:
    """Each column's name and Postgres type, as the asset metadata reads them (table_facts.RELATION_FACTS_SQL)."""
    rows = conn.execute(RELATION_FACTS_SQL, (schema, table)).fetchall()
    return [Column(name, pg_type, spark_type(conn, schema, table, name, pg_type)) for _, name, pg_type in rows]


def spark_type(conn: psycopg.Connection, schema: str, table: str, column: str, postgres_type: str) -> str:
    if postgres_type in DIRECT_TYPES:
        return DIRECT_TYPES[postgres_type]
    if postgres_type.startswith("timestamp with"):
        return "timestamp"
    if postgres_type.startswith("timestamp"):
        return "timestamp_ntz"
    if postgres_type.startswith("numeric("):
        return "decimal" + postgres_type.removeprefix("numeric")
    if postgres_type == "numeric":
        return exact_decimal(conn, schema, table, column)
    if postgres_type.endswith("[]") and postgres_type.removesuffix("[]") in DIRECT_TYPES:
        return f"array<{DIRECT_TYPES[postgres_type.removesuffix('[]')]}>"
    raise ValueError(f"{schema}.{table}.{column}: no Spark type for Postgres type {postgres_type} (lake.spark_type)")


def exact_decimal(conn: psycopg.Connection, schema: str, table: str, column: str) -> str:
    """decimal(p, s) holding every value of an unbounded numeric column exactly: s its largest scale, p the
    digits of its largest integer part plus s, plus two digits of headroom for sums."""
    integer_digits, scale = conn.execute(
        f'select coalesce(max(length(trunc(abs("{column}"))::text)), 1), coalesce(max(scale("{column}")), 0) '
        f'from "{schema}"."{table}"'
    ).fetchone()  # type: ignore[misc]
    precision = min(38, integer_digits + scale + 2)
    return f"decimal({precision}, {min(scale, precision)})"


@contextmanager
def spark_session(home: Path | None = None) -> Iterator[SparkSession]:
    """A Spark session on this machine's lake, the settings dbt's `spark` output uses; stopped afterwards
    (Derby's metastore takes one process at a time: dbt's session cannot open while this one runs)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_session_conf(home).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def export_table(conn: psycopg.Connection, spark: SparkSession, schema: str, table: str, folder: Path) -> ExportedTable:
    started = time.perf_counter()
    columns = table_columns(conn, schema, table)
    csv_path = folder / f"{schema}.{table}.csv"
    select = ", ".join(column.exported() for column in columns)
    cursor = conn.cursor()
    with (
        csv_path.open("wb") as out,
        cursor.copy(f'copy (select {select} from "{schema}"."{table}") to stdout ({CSV_OPTIONS})') as copy,
    ):
        for chunk in copy:
            out.write(chunk)
    postgres_rows = cursor.rowcount  # the rows the COPY wrote, from its command tag: no second scan to count them
    text_schema = ", ".join(f"`{column.name}` string" for column in columns)
    raw_text = spark.read.csv(
        str(csv_path), schema=text_schema, multiLine=True, escape='"', nullValue=NULL_TEXT, emptyValue=""
    )
    typed = raw_text.selectExpr(*(column.typed() for column in columns))
    partitioned = any(column.name == PARTITION_COLUMN for column in columns)
    spark.sql(f"create database if not exists `{schema}`")
    writer = typed.write.format("parquet").mode("overwrite")
    if partitioned:
        writer = writer.partitionBy(PARTITION_COLUMN)
    writer.saveAsTable(f"`{schema}`.`{table}`")
    spark_rows = spark.table(f"`{schema}`.`{table}`").count()
    return ExportedTable(schema, table, postgres_rows, spark_rows, partitioned, time.perf_counter() - started)


def table_fingerprint(conn: psycopg.Connection, schema: str, table: str, columns: list[Column]) -> str:
    """What a table holds, told without exporting it. A loader's table: its rows and the newest `_loaded_at` (a
    load or a reload stamps every row it writes, a deletion changes the count), from its index. Any other (the
    Python assets' tables, thousands of rows): its rows and the sum of a hash of each whole row, one scan."""
    relation = f'"{schema}"."{table}"'
    if LOADED_AT_COLUMN in {column.name for column in columns}:
        count, newest = conn.execute(f'select count(*), max("{LOADED_AT_COLUMN}") from {relation}').fetchone()  # type: ignore[misc]
        return f"{count} rows, newest {newest.isoformat() if newest else '-'}"
    count, hashed = conn.execute(f"select count(*), sum(hashtext(t::text)::bigint) from {relation} as t").fetchone()  # type: ignore[misc]
    return f"{count} rows, hash {hashed}"


def export_to_spark(
    settings: ConnectionSettings,
    tables: Iterable[tuple[str, str]] | None = None,
    home: Path | None = None,
    spark: SparkSession | None = None,
    changed_only: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[ExportedTable]:
    """Export the tables (default: source_tables) from the warehouse to the lake; the rows on each side.

    spark: a session already open on the lake (spark_session_conf(home)), kept open afterwards, for a caller
    that goes on in the same process (dbt's session method reuses it: Spark starts once, Derby has one owner);
    without it, a session of its own, stopped at the end. changed_only: leave out a table whose rows are as
    they were at its last export (table_fingerprint; the lake keeps them in EXPORTED_FILE), as the dbt step of
    every run on Spark does: a run's second dbt step, or a night with one new file, exports only what changed.
    """
    if spark is None:
        with spark_session(home) as own:
            return export_to_spark(settings, tables, home, own, changed_only, progress)
    folder = spark_home(home)
    folder.mkdir(parents=True, exist_ok=True)
    state_path = folder / EXPORTED_FILE
    state: dict[str, str] = json.loads(state_path.read_text()) if state_path.exists() else {}
    exported: list[ExportedTable] = []
    with connect(settings) as conn, tempfile.TemporaryDirectory(dir=folder) as scratch:
        conn.execute("set datestyle = 'ISO, YMD'")
        conn.execute("set extra_float_digits = 3")
        for schema, table in tables if tables is not None else source_tables(conn, manifest_path()):
            fingerprint = table_fingerprint(conn, schema, table, table_columns(conn, schema, table))
            name = f"{schema}.{table}"
            if changed_only and state.get(name) == fingerprint and spark.catalog.tableExists(f"`{schema}`.`{table}`"):
                continue
            exported.append(export_table(conn, spark, schema, table, Path(scratch)))
            if progress is not None:
                progress(table_line(exported[-1]))
            state[name] = fingerprint
            state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    return exported


def table_line(table: ExportedTable) -> str:
    return (
        f"{table.schema}.{table.name}: {table.postgres_rows} rows in Postgres, {table.spark_rows} in Spark"
        f"{' (partitioned by ' + PARTITION_COLUMN + ')' if table.partitioned else ''}, {table.seconds:.1f} s"
    )


def summary_line(exported: list[ExportedTable]) -> str:
    """How many tables, how long, and whether every row arrived."""
    unequal = [f"{table.schema}.{table.name}" for table in exported if table.postgres_rows != table.spark_rows]
    total = sum(table.seconds for table in exported)
    return f"{len(exported)} tables exported in {total:.1f} s; " + (
        f"rows differ: {unequal}" if unequal else "rows equal"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m aias_dagster.transform.lake [--changed]`: every source table, or (--changed, as the dbt step
    on Spark runs it) those whose rows changed since their last export."""
    from aias_dagster.platform.warehouse import warehouse_settings

    args = list(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    exported = export_to_spark(
        warehouse_settings(), changed_only="--changed" in args, progress=lambda line: print(line, flush=True)
    )
    print(summary_line(exported))
    print(f"export with Spark's start: {time.perf_counter() - started:.1f} s")
    return 0 if all(table.postgres_rows == table.spark_rows for table in exported) else 1


if __name__ == "__main__":
    raise SystemExit(main())
