"""The collector's writes: a request's rows, rejects and counts, committed in one transaction.

Rows go straight into the raw tables the loader writes (raw.product_events, raw.app_errors), so staging,
the marts and the pages read them as they read a landing file's rows. Their lineage says where they came
from: `_source_file` is `collect:segment` or `collect:sentry` (the loader's redelivery of a day never
removes them), `_source_line` a number from the sequence raw.collect_lines, `_delivery_date` the UTC day
they were received. The key (`messageId`, `event_id`) is inserted with `on conflict do nothing`: a client's
retry of a batch it did not see acknowledged counts once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from aias_dagster.collect.rows import Parsed, Reject
from aias_dagster.ingest.loader import COLLECTED_FILE_PREFIX
from aias_dagster.ingest.schema import ensure_raw_schema
from aias_dagster.platform.roles import ROLES, act_as

SEGMENT_FILE = f"{COLLECTED_FILE_PREFIX}segment"
SENTRY_FILE = f"{COLLECTED_FILE_PREFIX}sentry"

COLLECT_DDL = (
    "create sequence if not exists raw.collect_lines",
    """
    create table if not exists raw.collect_user_groups (
        user_id text primary key,
        customer_id text not null,
        updated_at timestamptz not null
    )
    """,
    """
    create table if not exists raw.app_error_frames (
        error_id text primary key,
        frames text[] not null,
        _loaded_at timestamptz not null default now()
    )
    """,
    """
    create table if not exists raw.collect_requests (
        id bigint generated always as identity primary key,
        source text not null,
        received_at timestamptz not null,
        accepted bigint not null,
        duplicates bigint not null,
        rejected bigint not null,
        ignored bigint not null,
        newest_event_at timestamptz
    )
    """,
)


COUNTS = ("accepted", "duplicates", "rejected", "ignored")  # what raw.collect_requests counts per request


@dataclass(frozen=True)
class Stored:
    """What one request added: rows new to raw, rows raw already held (a retry), rejects, items not stored."""

    accepted: int
    duplicates: int
    rejected: int
    ignored: int
    newest_event_at: datetime | None = None


def ensure_collect_schema(conn: psycopg.Connection) -> None:
    """The raw schema (the loader's) and the collector's own tables; idempotent, run once at startup."""
    with conn.transaction():
        ensure_raw_schema(conn)
        act_as(conn, ROLES.loader)
        conn.execute("select pg_advisory_xact_lock(hashtext('aias.raw.ddl'))")
        for ddl in COLLECT_DDL:
            conn.execute(ddl)  # type: ignore[arg-type]


def known_groups(conn: psycopg.Connection, users: Iterable[str]) -> dict[str, str]:
    """The account of each user's last `group` call."""
    rows = conn.execute(
        "select user_id, customer_id from raw.collect_user_groups where user_id = any(%s)", (sorted(users),)
    ).fetchall()
    return dict(rows)  # type: ignore[arg-type]


def work_as_loader(conn: psycopg.Connection) -> None:
    """The connection works as the loader from now on, as the loader's transactions do: the raw tables are its
    own. Once per connection (a session's role), not per request: act_as asks the catalog each time."""
    with conn.transaction():
        if act_as(conn, ROLES.loader):
            conn.execute(sql.SQL("set role {}").format(sql.Identifier(ROLES.loader)))


def store_segment(conn: psycopg.Connection, parsed: Parsed, received_at: datetime) -> Stored:
    """A Segment request's events, group calls and rejects; the caller commits."""
    day = received_at.date()
    latest = {g.user_id: g for g in parsed.groups}  # one row per user a statement may touch
    if latest:
        conn.execute(
            """
            insert into raw.collect_user_groups as g (user_id, customer_id, updated_at)
            select * from unnest(%s::text[], %s::text[], %s::timestamptz[])
            on conflict (user_id) do update set customer_id = excluded.customer_id, updated_at = excluded.updated_at
            where excluded.updated_at >= g.updated_at
            """,
            (
                [g.user_id for g in latest.values()],
                [g.customer_id for g in latest.values()],
                [g.at for g in latest.values()],
            ),
        )
    e = parsed.events
    accepted, newest = conn.execute(
        """
        with inserted as (
            insert into raw.product_events
                (event_id, customer_id, user_id, event_name, feature, occurred_at, properties,
                 _delivery_date, _source_file, _source_line)
            select event_id, customer_id, user_id, event_name, feature, occurred_at, properties::jsonb,
                   %(day)s, %(file)s, nextval('raw.collect_lines')
            from unnest(%(ids)s::text[], %(customers)s::text[], %(users)s::text[], %(names)s::text[],
                        %(features)s::text[], %(times)s::timestamptz[], %(properties)s::text[])
                as t(event_id, customer_id, user_id, event_name, feature, occurred_at, properties)
            on conflict (event_id) do nothing
            returning occurred_at
        )
        """
        + COUNTED,
        {
            **_counts("segment", received_at, parsed, len(e)),
            "day": day,
            "file": SEGMENT_FILE,
            "ids": [x.event_id for x in e],
            "customers": [x.customer_id for x in e],
            "users": [x.user_id for x in e],
            "names": [x.event_name for x in e],
            "features": [x.feature for x in e],
            "times": [x.occurred_at for x in e],
            "properties": [None if x.properties is None else json.dumps(x.properties, default=str) for x in e],
        },
    ).fetchone()  # type: ignore[misc]
    _reject(conn, "product_events", SEGMENT_FILE, day, parsed.rejects)
    return Stored(accepted, len(e) - accepted, len(parsed.rejects), sum(parsed.ignored.values()), newest)


def store_sentry(conn: psycopg.Connection, parsed: Parsed, received_at: datetime) -> Stored:
    """A Sentry request's errors (and their frames) and rejects; the caller commits."""
    day = received_at.date()
    e = parsed.errors
    framed = [x for x in e if x.frames]
    accepted, newest = conn.execute(
        """
        with inserted as (
            insert into raw.app_errors
                (error_id, occurred_at, service, customer_id, request_id, error_class, message, http_status,
                 _delivery_date, _source_file, _source_line)
            select error_id, occurred_at, service, customer_id, request_id, error_class, message, http_status,
                   %(day)s, %(file)s, nextval('raw.collect_lines')
            from unnest(%(ids)s::text[], %(times)s::timestamptz[], %(services)s::text[], %(customers)s::text[],
                        %(requests)s::text[], %(classes)s::text[], %(messages)s::text[], %(statuses)s::bigint[])
                as t(error_id, occurred_at, service, customer_id, request_id, error_class, message, http_status)
            on conflict (error_id) do nothing
            returning error_id, occurred_at
        ),
        framed as (
            insert into raw.app_error_frames (error_id, frames)
            select f.error_id, string_to_array(f.frames, chr(10))
            from unnest(%(framed_ids)s::text[], %(frames)s::text[]) as f(error_id, frames)
            where f.error_id in (select i.error_id from inserted as i)
            on conflict (error_id) do nothing
        )
        """
        + COUNTED,
        {
            **_counts("sentry", received_at, parsed, len(e)),
            "day": day,
            "file": SENTRY_FILE,
            "ids": [x.error_id for x in e],
            "times": [x.occurred_at for x in e],
            "services": [x.service for x in e],
            "customers": [x.customer_id for x in e],
            "requests": [x.request_id for x in e],
            "classes": [x.error_class for x in e],
            "messages": [x.message for x in e],
            "statuses": [x.http_status for x in e],
            "framed_ids": [x.error_id for x in framed],
            "frames": ["\n".join(x.frames) for x in framed],
        },
    ).fetchone()  # type: ignore[misc]
    _reject(conn, "app_errors", SENTRY_FILE, day, parsed.rejects)
    return Stored(accepted, len(e) - accepted, len(parsed.rejects), sum(parsed.ignored.values()), newest)


# The end of both requests' statement: their row of raw.collect_requests, counted from what `inserted` wrote, in the
# same statement (one round trip a request).
COUNTED = """,
        counted as (
            insert into raw.collect_requests
                (source, received_at, accepted, duplicates, rejected, ignored, newest_event_at)
            select %(source)s, %(received_at)s, count(*), %(sent)s - count(*), %(rejected)s, %(ignored)s,
                   max(occurred_at)
            from inserted
            returning accepted, newest_event_at
        )
        select accepted, newest_event_at from counted
"""


def _counts(source: str, received_at: datetime, parsed: Parsed, sent: int) -> dict[str, object]:
    return {
        "source": source,
        "received_at": received_at,
        "sent": sent,
        "rejected": len(parsed.rejects),
        "ignored": sum(parsed.ignored.values()),
    }


def _reject(conn: psycopg.Connection, source: str, file: str, day: object, rejects: list[Reject]) -> None:
    """The rejects, each once a day: a client's retry of a batch sends its invalid events again too."""
    if rejects:
        conn.execute(
            """
            insert into raw.load_rejects (source, delivery_date, file, line, raw_line, reason)
            select %(source)s, %(day)s, %(file)s, nextval('raw.collect_lines'), raw_line, reason
            from (
                select distinct raw_line, reason
                from unnest(%(raw)s::text[], %(reasons)s::text[]) as u(raw_line, reason)
            ) as t
            where not exists (
                select 1 from raw.load_rejects as r
                where r.source = %(source)s and r.delivery_date = %(day)s and r.file = %(file)s
                    and r.raw_line = t.raw_line
            )
            """,
            {"source": source, "day": day, "file": file, "raw": [r.raw for r in rejects],
             "reasons": [r.reason for r in rejects]},
        )  # fmt: skip
