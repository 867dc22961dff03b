"""The export of Postgres tables to the Spark lake: every row, every value as Postgres holds it, partitioned
by delivery day. Runs with `make test-spark` (marker `spark`), where the spark extra is installed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from aias_dagster.platform.warehouse import ConnectionSettings

pytestmark = pytest.mark.spark


def test_an_exported_table_holds_every_row_and_value_of_postgres_partitioned_by_delivery_day(
    database: ConnectionSettings, tmp_path: Path
) -> None:
    pytest.importorskip("pyspark")
    from aias_dagster.transform.lake import export_to_spark, spark_session

    with psycopg.connect(database.url, autocommit=True) as conn:
        conn.execute("create schema raw")
        conn.execute(
            """
            create table raw.tickets (
                ticket_id text, subject text, created_at timestamptz, amount numeric, ratio numeric(5, 4),
                tags text[], properties jsonb, is_open boolean, _source_line bigint, _delivery_date date
            )
            """
        )
        conn.execute(
            """
            insert into raw.tickets values
                ('t1', 'line one' || chr(10) || 'line "two", quoted', '2026-03-29 01:30:00.123456+00',
                 12345.678901234, 0.1235, array['a', 'b,c'], '{"plan": "pro"}', true, 1, '2026-03-29'),
                ('t2', '', '2026-03-28 23:59:59.999999+00', -0.5, null, null, null, false, 2, '2026-03-29'),
                ('t3', null, null, null, 1, '{}', '[]', null, 3, '2026-03-30')
            """
        )

    exported = export_to_spark(database, tables=[("raw", "tickets")], home=tmp_path)

    assert [(t.schema, t.name, t.postgres_rows, t.spark_rows, t.partitioned) for t in exported] == [
        ("raw", "tickets", 3, 3, True)
    ]
    with spark_session(tmp_path) as spark:
        rows = {row.ticket_id: row.asDict() for row in spark.table("raw.tickets").collect()}
        partitions = sorted(row[0] for row in spark.sql("show partitions raw.tickets").collect())
        amount_type = dict(spark.table("raw.tickets").dtypes)["amount"]
    assert partitions == ["_delivery_date=2026-03-29", "_delivery_date=2026-03-30"]
    assert amount_type == "decimal(16,9)"
    first, second, third = rows["t1"], rows["t2"], rows["t3"]
    assert first["subject"] == 'line one\nline "two", quoted'
    # pyspark hands timestamps back in the Python process' zone; compared as instants.
    assert first["created_at"].astimezone(UTC) == datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=UTC)
    assert second["created_at"].astimezone(UTC) == datetime(2026, 3, 28, 23, 59, 59, 999999, tzinfo=UTC)
    assert (first["amount"], second["amount"], first["ratio"], third["ratio"]) == (
        Decimal("12345.678901234"),
        Decimal("-0.500000000"),
        Decimal("0.1235"),
        Decimal("1.0000"),
    )
    assert (first["tags"], third["tags"], second["tags"]) == (["a", "b,c"], [], None)
    assert (first["properties"], third["properties"]) == ('{"plan": "pro"}', "[]")
    assert (first["is_open"], second["is_open"], third["is_open"]) == (True, False, None)
    assert (second["subject"], third["subject"], third["created_at"]) == ("", None, None)
    assert (first["_delivery_date"], third["_delivery_date"]) == (date(2026, 3, 29), date(2026, 3, 30))


def test_a_loaded_table_is_exported_again_only_when_its_rows_change_and_a_mart_is_published_back_exactly(
    database: ConnectionSettings, tmp_path: Path
) -> None:
    """The dbt step on Spark exports what changed (export_to_spark changed_only), builds, and publishes what it
    built to Postgres (transform/serving.py): money, instants, arrays and nulls come back as they were, and a
    second publication replaces the table rather than adding to it."""
    pytest.importorskip("pyspark")
    from aias_dagster.transform.lake import export_to_spark, spark_session
    from aias_dagster.transform.serving import publish

    with psycopg.connect(database.url, autocommit=True) as conn:
        conn.execute("create schema raw")
        conn.execute("create schema ops")
        conn.execute(
            "create table raw.charges (charge_id text, amount numeric, charged_at timestamptz, tags text[],"
            " _delivery_date date, _loaded_at timestamptz default now())"
        )
        conn.execute(
            "insert into raw.charges values ('c1', 10.005, '2026-03-29 23:30:00+00', array['a'], '2026-03-29'),"
            " ('c2', -0.10, null, null, '2026-03-30')"
        )
        conn.execute("create table ops.ledger (entry text)")  # no _loaded_at: told changed by its rows' hash
        conn.execute("insert into ops.ledger values ('one')")
    tables = [("raw", "charges"), ("ops", "ledger")]

    def exported_now() -> list[tuple[str, int]]:
        return [
            (f"{t.schema}.{t.name}", t.spark_rows)
            for t in export_to_spark(database, tables, tmp_path, changed_only=True)
        ]

    assert exported_now() == [("raw.charges", 2), ("ops.ledger", 1)]
    assert exported_now() == []  # nothing changed: nothing exported
    with psycopg.connect(database.url, autocommit=True) as conn:
        conn.execute("insert into raw.charges values ('c3', 1.5, null, '{}', '2026-03-30')")
        conn.execute("update ops.ledger set entry = 'two'")  # the same count, another row
    assert exported_now() == [("raw.charges", 3), ("ops.ledger", 1)]
    assert exported_now() == []

    with spark_session(tmp_path) as spark:
        spark.sql("create database if not exists marts")
        spark.sql(
            "create table marts.charges_daily using parquet as select _delivery_date as charge_date,"
            " cast(sum(amount) as decimal(38, 2)) as amount_usd, max(charged_at) as last_charged_at,"
            " flatten(collect_list(coalesce(tags, array()))) as tags, count(*) as charges"
            " from raw.charges group by _delivery_date"
        )
    for _ in range(2):
        published = publish(database, ["marts.charges_daily"], tmp_path)
    assert [(p.relation, p.rows) for p in published] == [("marts.charges_daily", 2)]
    with psycopg.connect(database.url) as conn:
        rows = conn.execute("select * from marts.charges_daily order by charge_date").fetchall()
        types = conn.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'marts' and table_name = 'charges_daily' order by ordinal_position"
        ).fetchall()
    assert rows == [
        (date(2026, 3, 29), Decimal("10.01"), datetime(2026, 3, 29, 23, 30, tzinfo=UTC), ["a"], 1),
        (date(2026, 3, 30), Decimal("1.40"), None, [], 2),
    ]
    assert [t for _, t in types] == ["date", "numeric", "timestamp with time zone", "ARRAY", "bigint"]
