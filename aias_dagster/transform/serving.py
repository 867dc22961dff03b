"""What a Spark build made, published to the warehouse's Postgres: the one place every reader of a mart reads.

The marts are read by Python (the CAC intervals, the ticket model, the billing close, the pages, the scorecard,
`aias demo`'s reports) and by analysts with SQL, all through the warehouse connection (platform/warehouse.py
`connect`, the `warehouse` resource). That connection is the one interface both engines serve: on Postgres
dbt builds the marts there; on Spark (AIAS_ENGINE=spark) the dbt step ends by publishing, as Postgres tables
of the same schema and name, every mart it built and every other relation a Python asset reads (its parents in
the asset graph: the billing close's staging views, the ticket model's intermediate views). Readers then change
nothing, the pages come out the same from either engine, and an analyst's query is answered by Postgres in
milliseconds rather than by a Spark job. Why publishing rather than reading Spark from every Python asset:
docs/architecture.md, "Engines".

A relation is replaced whole in one transaction, so a reader sees the old rows or the new ones, never a mix.
Run as `python -m aias_dagster.transform.serving marts.cac_monthly ...` (a process of its own: Spark's Derby
metastore takes one process at a time, and dbt's session has just released it).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
import psycopg
from psycopg import sql

from aias_dagster.platform.roles import ROLES, act_as
from aias_dagster.platform.warehouse import ConnectionSettings, connect

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SERVED_SCHEMAS = ("marts",)  # published whole: what analysts and the pages read
DBT_KIND_TAG = "dagster/kind/dbt"

# Spark's type names (DataFrame.dtypes) and the Postgres type each is published as.
POSTGRES_TYPES = {
    "string": "text",
    "boolean": "boolean",
    "tinyint": "smallint",
    "smallint": "smallint",
    "int": "integer",
    "bigint": "bigint",
    "float": "real",
    "double": "double precision",
    "date": "date",
    "timestamp": "timestamp with time zone",
    "timestamp_ntz": "timestamp without time zone",
    "void": "text",
}
DECIMAL = re.compile(r"decimal\((\d+),(\d+)\)")
ARRAY = re.compile(r"array<(.+)>")


class UnpublishableTypeError(ValueError):
    pass


def postgres_type(spark_type: str) -> str:
    """The Postgres type a column of this Spark type is published as: decimals keep their precision and scale
    (money stays exact), Spark's timestamps (instants, read in UTC) are timestamptz, arrays are arrays."""
    if match := DECIMAL.fullmatch(spark_type):
        return f"numeric({match[1]}, {match[2]})"
    if match := ARRAY.fullmatch(spark_type):
        return f"{postgres_type(match[1])}[]"
    try:
        return POSTGRES_TYPES[spark_type]
    except KeyError:
        raise UnpublishableTypeError(f"no Postgres type to publish a Spark column of type {spark_type} as") from None


def served_keys(graph: Any) -> set[dg.AssetKey]:
    """The dbt assets something other than dbt reads: the parents of every asset that is not a dbt model.

    graph: an asset graph (Definitions.resolve_asset_graph(), a repository's or a job's); its class lives in
    a private module of Dagster's, hence Any."""
    return {
        parent
        for node in graph.asset_nodes
        if DBT_KIND_TAG not in node.tags
        for parent in node.parent_keys
        if DBT_KIND_TAG in graph.get(parent).tags
    }


def to_publish(built: Iterable[dg.AssetKey], served: set[dg.AssetKey]) -> list[str]:
    """`schema.name` of every relation a build made that is served: a mart, or read by a Python asset."""
    return sorted(
        ".".join(key.path)
        for key in set(built)
        if len(key.path) == 2 and (key.path[0] in SERVED_SCHEMAS or key in served)
    )


@dataclass(frozen=True)
class Published:
    relation: str
    rows: int
    seconds: float


def _drop_existing(conn: psycopg.Connection, schema: str, name: str) -> None:
    kind = conn.execute(
        "select c.relkind from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relname = %s",
        (schema, name),
    ).fetchone()
    if kind is not None:
        what = "view" if kind[0] in ("v", "m") else "table"
        what = "materialized view" if kind[0] == "m" else what
        conn.execute(sql.SQL(f"drop {what} {{}} cascade").format(sql.Identifier(schema, name)))


def publish_relation(conn: psycopg.Connection, spark: SparkSession, relation: str) -> Published:
    """Replace the Postgres table `relation` with the rows Spark holds, in one transaction."""
    started = time.perf_counter()
    schema, name = relation.split(".")
    frame = spark.table(f"`{schema}`.`{name}`")
    columns = [(column, postgres_type(spark_type)) for column, spark_type in frame.dtypes]
    # pyspark hands an instant back as a naive time of the Python process' zone; as timestamp_ntz (the wall time
    # of the session's zone, UTC) it comes back as it is, and is UTC again here, whatever this process' zone.
    instants = [index for index, (_, spark_type) in enumerate(frame.dtypes) if spark_type == "timestamp"]
    rows_out = frame.selectExpr(
        *(
            f"cast(`{column}` as timestamp_ntz) as `{column}`" if spark_type == "timestamp" else f"`{column}`"
            for column, spark_type in frame.dtypes
        )
    )
    target = sql.Identifier(schema, name)
    with conn.transaction():
        # As the transformer, which owns the dbt layers' schemas (made with the roles); without the roles, as the
        # connecting user, who may have to make the schema.
        if not act_as(conn, ROLES.transformer):
            conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        _drop_existing(conn, schema, name)
        definition = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(type_)) for column, type_ in columns
        )
        conn.execute(sql.SQL("create table {} ({})").format(target, definition))
        rows = 0
        with conn.cursor().copy(sql.SQL("copy {} from stdin").format(target)) as copy:
            for row in rows_out.toLocalIterator():
                values = list(row)
                for index in instants:
                    if values[index] is not None:
                        values[index] = values[index].replace(tzinfo=UTC)
                copy.write_row(values)
                rows += 1
    return Published(relation, rows, time.perf_counter() - started)


def publish(
    settings: ConnectionSettings,
    relations: Sequence[str],
    home: Path | None = None,
    progress: Callable[[Published], None] | None = None,
) -> list[Published]:
    """Publish each relation from the lake to the warehouse (a Spark session of its own, stopped at the end)."""
    from aias_dagster.transform.lake import spark_session

    published = []
    with spark_session(home) as spark, connect(settings) as conn:
        for relation in relations:
            published.append(publish_relation(conn, spark, relation))
            if progress is not None:
                progress(published[-1])
    return published


def main(argv: Sequence[str] | None = None) -> int:
    from aias_dagster.platform.warehouse import warehouse_settings

    relations = list(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()

    def say(item: Published) -> None:
        print(f"published {item.relation}: {item.rows} rows, {item.seconds:.1f} s", flush=True)

    published = publish(warehouse_settings(), relations, progress=say)
    print(f"{len(published)} relations published from Spark to Postgres in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
