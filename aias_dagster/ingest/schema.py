"""DDL of the `raw` schema, derived from the contract.

Every raw table carries the lineage of each row (`_delivery_date`, `_source_file`, `_source_line`,
`_loaded_at`), so any number in a mart can be traced back to the line of the file it came from.
"""

from __future__ import annotations

import psycopg

from aias_dagster.ingest.contract import SOURCES, Source
from aias_dagster.platform.roles import ROLES, act_as, forget_roles

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_delivery_date", "date not null"),
    ("_source_file", "text not null"),
    ("_source_line", "bigint not null"),
    ("_loaded_at", "timestamptz not null default now()"),
    # Set where the version is current from a later delivery than its own (`_delivery_date`, the day a
    # redelivery dropped the key and brought this earlier version back); empty otherwise.
    ("_version_delivery_date", "date"),
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
    """Create whatever of the raw schema is missing: its tables, indexes and the load bookkeeping.

    Idempotent, and cheap enough to run at the start of every load. It reads the catalog first and
    changes only what is missing, never an object that exists: `create index if not exists` on an
    existing index still takes a share lock on its table, which waits for a load of that source in
    another process while holding the DDL lock, and deadlocks with a load that holds
    raw.load_rejects and wants its own table. Loads of different sources run in parallel.
    """
    if not _missing_objects(conn):
        return
    # The tables belong to the loader role, which the rest of the caller's transaction works as; with the
    # roles in place ensure_roles has created the schema (only the connecting user may create schemas).
    if conn.execute("select to_regnamespace('raw') is null").fetchone()[0]:  # type: ignore[index]
        forget_roles(conn)  # dropped since the roles were ensured: ensuring them again creates it, with its grants
    # Locks in the one order of every load (loader.take_load_lock): the roles' lock (taken by act_as
    # when it ensures them), then this DDL lock. Parallel first loads would otherwise race on
    # `create ... if not exists` of the same table.
    loader = act_as(conn, ROLES.loader)
    conn.execute("select pg_advisory_xact_lock(hashtext('aias.raw.ddl'))")
    if not loader:
        conn.execute("create schema if not exists raw")
    for _, ddl in _missing_objects(conn):
        conn.execute(ddl)  # type: ignore[arg-type]


def _schema_objects(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """(catalog name, DDL) of every object of the raw schema, each created after what it depends on."""
    objects: list[tuple[str, str]] = []
    for source in SOURCES:
        for table, ddl in ((source.table, raw_table_ddl(source)), (source.history_table, history_table_ddl(source))):
            index = f"{table.removeprefix('raw.')}__delivery_idx"
            objects.append((f"table {table}", ddl))
            objects.append((f"index raw.{index}", f"create index if not exists {index} on {table} (_delivery_date)"))
            # Raw tables from before versions were restored from history lack the column.
            column = f"column {table} _version_delivery_date"
            objects.append((column, f"alter table {table} add column if not exists _version_delivery_date date"))
        version_index = f"{source.table.removeprefix('raw.')}__version_delivery_idx"
        objects.append(
            (
                f"index raw.{version_index}",
                f"create index if not exists {version_index} on {source.table} (_version_delivery_date) "
                "where _version_delivery_date is not null",
            )
        )
    # Columns that joined the contract later: a raw table created before them gains them.
    for source in SOURCES:
        for column in (c for c in source.columns if c.may_be_absent):
            for table in (source.table, source.history_table):
                objects.append(
                    (
                        f"column {table} {column.name}",
                        f"alter table {table} add column if not exists {column.name} {column.pg_type}",
                    )
                )
    objects.append(("table raw.load_rejects", LOAD_REJECTS_DDL))
    objects.append(
        (
            "index raw.load_rejects__file_idx",
            "create index if not exists load_rejects__file_idx on raw.load_rejects (source, delivery_date)",
        )
    )
    objects.append(("table raw.load_audit", LOAD_AUDIT_DDL))
    # Audits written before physical lines were counted have none.
    objects.append(
        (
            "column raw.load_audit physical_lines",
            "alter table raw.load_audit add column if not exists physical_lines bigint",
        )
    )
    if server_version(conn) < 160000:
        objects.append(("function raw.is_valid_input(text,text)", IS_VALID_INPUT_FALLBACK_DDL))
    return objects


def _missing_objects(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """The objects of _schema_objects that the catalog does not hold (one query, no lock on any table)."""
    objects = _schema_objects(conn)
    present = conn.execute(
        """
        select name from unnest(%s::text[]) as name
        where case split_part(name, ' ', 1)
            when 'table' then to_regclass(split_part(name, ' ', 2)) is not null
            when 'index' then to_regclass(split_part(name, ' ', 2)) is not null
            when 'function' then to_regprocedure(split_part(name, ' ', 2)) is not null
            when 'column' then exists (
                select 1 from pg_attribute
                where attrelid = to_regclass(split_part(name, ' ', 2)) and attname = split_part(name, ' ', 3)
                    and not attisdropped
            )
        end
        """,
        ([name for name, _ in objects],),
    ).fetchall()
    found = {name for (name,) in present}
    return [(name, ddl) for name, ddl in objects if name not in found]


def server_version(conn: psycopg.Connection) -> int:
    return conn.info.server_version
