"""Row counts and column types of the relations a dbt build wrote, as asset metadata.

dagster-dbt's own fetchers open an adapter connection per model in a thread pool and cost tens of
seconds a build here; two catalog queries and one count per table on one connection cost milliseconds.
Views get their columns but no row count: counting a view runs its whole query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import dagster as dg
import psycopg
from psycopg import sql

RELATION_FACTS_SQL = """
select c.relkind, a.attname, format_type(a.atttypid, a.atttypmod)
from pg_class as c
join pg_namespace as n on n.oid = c.relnamespace
join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = %s and c.relname = %s
order by a.attnum
"""
TABLE_KINDS = ("r", "p")  # ordinary and partitioned tables


def relation_facts(conn: psycopg.Connection, schema: str, name: str) -> dict[str, Any]:
    """`dagster/column_schema` (name and type of each column) and, for a table, `dagster/row_count`."""
    rows = conn.execute(RELATION_FACTS_SQL, (schema, name)).fetchall()
    if not rows:
        return {}
    facts: dict[str, Any] = {
        "dagster/column_schema": dg.TableSchema(columns=[dg.TableColumn(column, type_) for _, column, type_ in rows])
    }
    if rows[0][0] in TABLE_KINDS:
        count = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(schema, name))).fetchone()
        facts["dagster/row_count"] = int(count[0])  # type: ignore[index]
    return facts


def with_table_facts(
    events: Iterable[Any], key_of: Callable[[Any], dg.AssetKey | None], conn: psycopg.Connection
) -> Iterator[Any]:
    """Each materialization of a `<schema>/<name>` asset, with the facts of that relation attached."""
    for event in events:
        key = key_of(event)
        if key is not None and len(key.path) == 2:
            facts = relation_facts(conn, key.path[0], key.path[1])
            conn.rollback()  # read-only; end the snapshot so the next relation is read as it is now
            if facts:
                event = event.with_metadata({**event.metadata, **facts})
        yield event
