"""The remediation ledger `ops.remediations`: every attempt, appended, never changed.

A trigger refuses updates and deletes, so the ledger is a record of what was tried, in order. An
attempt writes a `started` row before it calls the endpoint and a finished row after; a run killed
in between leaves its `started` row, and the next run reuses the action's idempotency key, so the
endpoint answers with what it already did instead of doing it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from aias_dagster.platform.roles import ROLES

LEDGER = "ops.remediations"
RESPONSE_LIMIT = 2000

DDL = """
create schema if not exists ops;
create table if not exists ops.remediations (
    remediation_row_id bigserial primary key,
    error_id text not null,
    category text not null,
    action text not null,
    idempotency_key text not null,
    attempt integer not null check (attempt >= 1),
    started_at timestamptz not null,
    finished_at timestamptz,
    outcome text not null check (outcome in ('started', 'succeeded', 'retry', 'failed')),
    http_status integer,
    response text,
    clock text not null default 'wall' check (clock in ('wall', 'replay')),
    written_at timestamptz not null default clock_timestamp()
);
create index if not exists remediations_key on ops.remediations (idempotency_key);
create index if not exists remediations_error on ops.remediations (error_id);
create or replace function ops.remediations_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'ops.remediations is append-only: % is not allowed', tg_op;
end $$;
drop trigger if exists remediations_append_only on ops.remediations;
create trigger remediations_append_only before update or delete on ops.remediations
    for each statement execute function ops.remediations_append_only();
"""


def ensure_ledger(conn: psycopg.Connection) -> None:
    """Create the ledger if missing (under an advisory lock, so two runs cannot race) and let dbt read it."""
    conn.commit()
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('aias.ops.remediations'))")
        exists = conn.execute("select to_regclass('ops.remediations') is not null").fetchone()[0]
        if not exists:
            conn.execute(DDL)
        for role in (ROLES.transformer,):
            if conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone():
                conn.execute(sql.SQL("grant usage on schema ops to {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("grant select on ops.remediations to {}").format(sql.Identifier(role)))


@dataclass(frozen=True)
class Attempt:
    error_id: str
    category: str
    action: str
    idempotency_key: str
    attempt: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    http_status: int | None = None
    response: str | None = None
    clock: str = "wall"


def append(conn: psycopg.Connection, row: Attempt) -> None:
    """One ledger row, committed at once: what is written survives a kill of the process."""
    conn.commit()  # end the caller's implicit transaction, so the row below is not a mere savepoint in it
    with conn.transaction():
        conn.execute(
            "insert into ops.remediations (error_id, category, action, idempotency_key, attempt, started_at,"
            " finished_at, outcome, http_status, response, clock) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (row.error_id, row.category, row.action, row.idempotency_key, row.attempt, row.started_at,
             row.finished_at, row.outcome, row.http_status, (row.response or "")[:RESPONSE_LIMIT] or None, row.clock),
        )  # fmt: skip


@dataclass(frozen=True)
class KeyState:
    attempts_finished: int
    done: bool  # succeeded, or failed and given up


def key_states(conn: psycopg.Connection) -> dict[str, KeyState]:
    rows = conn.execute(
        "select idempotency_key, coalesce(max(attempt) filter (where finished_at is not null), 0),"
        " bool_or(outcome in ('succeeded', 'failed')) from ops.remediations group by idempotency_key"
    ).fetchall()
    return {key: KeyState(attempts, done) for key, attempts, done in rows}
