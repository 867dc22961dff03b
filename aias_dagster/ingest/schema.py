"""DDL of the `raw` schema, derived from the contract.

Every raw table carries the lineage of each row (`_delivery_date`, `_source_file`, `_source_line`,
`_loaded_at`), so any number in a mart can be traced back to the line of the file it came from.
"""

from __future__ import annotations

import psycopg

from aias_dagster.ingest.contract import SOURCES, Source

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_delivery_date", "date not null"),
    ("_source_file", "text not null"),
    ("_source_line", "bigint not null"),
    ("_loaded_at", "timestamptz not null default now()"),
)

LOAD_REJECTS_DDL = """
create table if not exists raw.load_rejects (
    source text not null,
    delivery_date date not null,
    file text not null,
    line bigint not null,
    raw_line text,
    reason text not null,
    rejected_at timestamptz not null default now()
)
"""

LOAD_AUDIT_DDL = """
create table if not exists raw.load_audit (
    source text not null,
    delivery_date date not null,
    file text not null,
    checksum text not null,
    lines bigint not null,
    loaded bigint not null,
    rejected bigint not null,
    extra_columns text[] not null default '{}',
    physical_lines bigint,
    loaded_at timestamptz not null default now(),
    primary key (source, delivery_date)
)
"""

# Postgres 15 has no pg_input_is_valid; this is the slower stand-in the validator uses there.
IS_VALID_INPUT_FALLBACK_DDL = """
create or replace function raw.is_valid_input(value text, type_name text) returns boolean
language plpgsql stable as $$
begin
    execute format('select %L::%s', value, type_name);
    return true;
exception when others then
    return false;
end
$$
"""


def raw_table_ddl(source: Source) -> str:
    """raw.<source>: the current version of each key, the one the dbt staging models read."""
    return _versions_ddl(source.table, source, source.key)


def history_table_ddl(source: Source) -> str:
    """raw.<source>__history: every other delivered version, one per key and delivery day.

    With the current table it holds every file's newest version of each key, so when a redelivery
    drops a key's current version, the version an earlier delivery brought becomes current again:
    what raw holds does not depend on the order files were loaded in.
    """
    return _versions_ddl(source.history_table, source, (*source.key, "_delivery_date"))


def _versions_ddl(table: str, source: Source, key: tuple[str, ...]) -> str:
    columns = [f"    {c.name} {c.pg_type}" for c in source.columns]
    columns += [f"    {name} {spec}" for name, spec in LINEAGE_COLUMNS]
    body = ",\n".join([*columns, f"    primary key ({', '.join(key)})"])
    return f"create table if not exists {table} (\n{body}\n)"


def ensure_raw_schema(conn: psycopg.Connection) -> None:
    """Create the raw schema, its tables and the load bookkeeping tables if they are missing.

    Idempotent, and cheap enough to run at the start of every load.
    """
    # Parallel loaders would otherwise race on `create ... if not exists` of the same table.
    conn.execute("select pg_advisory_xact_lock(hashtext('aias.raw.ddl'))")
    conn.execute("create schema if not exists raw")
    for source in SOURCES:
        conn.execute(raw_table_ddl(source))  # type: ignore[arg-type]
        conn.execute(
            f"create index if not exists {source.name}__delivery_idx "  # type: ignore[arg-type]
            f"on {source.table} (_delivery_date)"
        )
        conn.execute(history_table_ddl(source))  # type: ignore[arg-type]
        conn.execute(
            f"create index if not exists {source.name}__history__delivery_idx "  # type: ignore[arg-type]
            f"on {source.history_table} (_delivery_date)"
        )
    conn.execute(LOAD_REJECTS_DDL)  # type: ignore[arg-type]
    conn.execute("create index if not exists load_rejects__file_idx on raw.load_rejects (source, delivery_date)")
    conn.execute(LOAD_AUDIT_DDL)  # type: ignore[arg-type]
    # Audits written before physical lines were counted have none.
    conn.execute("alter table raw.load_audit add column if not exists physical_lines bigint")
    if server_version(conn) < 160000:
        conn.execute(IS_VALID_INPUT_FALLBACK_DDL)  # type: ignore[arg-type]


def server_version(conn: psycopg.Connection) -> int:
    return conn.info.server_version
