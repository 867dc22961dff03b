"""How new each source's data is: the newest delivery day that brought rows into raw."""

from __future__ import annotations

from datetime import date

import psycopg
from psycopg import sql

from aias_dagster.ingest.contract import SOURCES


def newest_delivery_days(conn: psycopg.Connection) -> dict[str, date | None]:
    """Per source, the newest `_delivery_date` in its raw table (an index read); None before its first load.

    The same measure as dbt's source freshness (`loaded_at_field` in _platform__sources.yml) and the pages'
    "data as of", so the alert, the UI's check and the page agree on a source's age.
    """
    newest: dict[str, date | None] = {}
    for source in SOURCES:
        schema, table = source.table.split(".")
        exists = conn.execute("select to_regclass(%s) is not null", (source.table,)).fetchone()
        if not exists or not exists[0]:
            newest[source.name] = None
            continue
        row = conn.execute(
            sql.SQL("select max(_delivery_date) from {}").format(sql.Identifier(schema, table))
        ).fetchone()
        newest[source.name] = row[0] if row else None
    return newest
