"""The one loader: COPY a landing file into a staging table, validate it in SQL, upsert the good rows.

A load is one transaction: the raw table, the rejects and the audit row change together or not at
all. Lines in = rows loaded + rows rejected, always; a reject keeps its file, line, text and reason.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg

from aias_dagster.ingest.contract import Source
from aias_dagster.ingest.landing import LandingError, delivery_date_of, file_checksum, open_binary, reading
from aias_dagster.ingest.records import RecordReader, split_fields
from aias_dagster.ingest.schema import ensure_raw_schema, server_version
from aias_dagster.ingest.validation import (
    cast_expression,
    csv_field_expression,
    reason_expression,
    sql_literal,
    valid_expression,
)
from aias_dagster.platform.roles import ROLES, act_as

log = logging.getLogger(__name__)

COPY_CHUNK_BYTES = 1 << 20
STAGE = "_aias_stage"
LOAD_LOCK_TIMEOUT_ENV = "AIAS_LOAD_LOCK_TIMEOUT"
LOAD_LOCK_TIMEOUT_SECONDS = 120
# The `_source_file` of rows that `aias collect` received from an SDK instead of a landing file
# (aias_dagster/collect/store.py). A redelivery of a day replaces that day's file, never what was collected.
COLLECTED_FILE_PREFIX = "collect:"
NOT_COLLECTED = f"_source_file not like '{COLLECTED_FILE_PREFIX}%%'"


class LoadLockTimeout(RuntimeError):
    """Another session held a source's load lock longer than the load lock timeout; names that session.

    Not a LandingError: no file is at fault, and the window's other files would only wait again.
    """


def load_lock_timeout() -> float:
    """Seconds a load waits for another load of the same source (AIAS_LOAD_LOCK_TIMEOUT, default 120)."""
    configured = os.environ.get(LOAD_LOCK_TIMEOUT_ENV, "").strip()
    try:
        return float(configured) if configured else LOAD_LOCK_TIMEOUT_SECONDS
    except ValueError:
        raise LandingError(f"{LOAD_LOCK_TIMEOUT_ENV}={configured!r}: expected a number of seconds") from None


def take_load_lock(conn: psycopg.Connection, source: Source) -> None:
    """The source's load lock, for the rest of conn's transaction; waits at most load_lock_timeout().

    Loads of one source take turns on it. The locks of a load come in one order, everywhere: the roles
    (platform/roles.py), the raw DDL (ingest/schema.py), this lock, then the source's tables and the
    shared bookkeeping tables, so parallel loads wait but never deadlock. A load whose process was
    killed can leave its session holding the lock until Postgres notices; past the timeout the wait
    ends in one line naming that session, instead of waiting behind it for as long as it lasts.
    """
    key = f"aias.load.{source.name}"
    # Free most of the time: taken in one round trip, without the savepoint and lock_timeout of the wait below.
    if conn.execute("select pg_try_advisory_xact_lock(hashtext(%s))", (key,)).fetchone()[0]:  # type: ignore[index]
        return
    timeout = load_lock_timeout()
    try:
        with conn.transaction():
            (previous,) = conn.execute(
                "select current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                (f"{max(1, int(timeout * 1000))}ms",),
            ).fetchone()[:1]  # type: ignore[index]
            conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (key,))
            conn.execute("select set_config('lock_timeout', %s, true)", (previous,))
    except psycopg.errors.LockNotAvailable:
        holder = lock_holder(conn, key)
        raise LoadLockTimeout(
            f"{source.table}: waited {timeout:g}s for the load lock {key}, held by {holder}; if that load is "
            f"gone, Postgres ends its session once it notices (or: select pg_terminate_backend(<pid>)); "
            f"{LOAD_LOCK_TIMEOUT_ENV} sets the wait"
        ) from None


def lock_holder(conn: psycopg.Connection, key: str) -> str:
    """Who holds advisory lock `key`: pid, application, since when, what it runs (no secret is shown).

    Asked as the connecting user: the loader role may not see another session's state.
    """
    conn.execute("set local role none")
    row = conn.execute(
        """
        select a.pid, coalesce(nullif(a.application_name, ''), 'no application name'),
               coalesce(a.state, 'state not visible to ' || session_user),
               coalesce(to_char(a.xact_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), '?'),
               coalesce(left(a.query, 60), '?')
        from pg_locks as l join pg_stat_activity as a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.objid = (hashtext(%s)::bigint & 4294967295)::oid
        limit 1
        """,
        (key,),
    ).fetchone()
    if row is None:
        return "a session that has since let it go"
    pid, application, state, since, query = row
    return f"session pid {pid} ({application}, {state}, in a transaction since {since} UTC, last: {query!r})"


@dataclass(frozen=True)
class LoadResult:
    """What one file's load did; `skipped` means the same bytes were loaded before."""

    source: str
    file: str
    delivery_date: date
    lines: int
    loaded: int
    rejected: int
    changed: int = 0
    skipped: bool = False
    extra_columns: tuple[str, ...] = ()
    structural_fallback: bool = False
    replaced_delivery: bool = False
    physical_lines: int = 0  # lines of the file, header included; more than lines + 1 when records span lines
    sample_rejects: tuple[tuple[int, str], ...] = field(default=())


def read_header(path: Path) -> list[str]:
    """The header row's column names, stripped. A header that cannot be read is a LandingError naming the file."""
    with reading(path), open_binary(path) as handle:
        first = handle.readline()
    line = first[:-2] if first.endswith(b"\r\n") else first[:-1] if first.endswith(b"\n") else first
    if b"\r" in line:
        raise LandingError(
            f"{path}, line 1: a carriage return (CR) that does not end a line; lines must end in LF or CRLF "
            f"(CR-only line ends come from old Mac tools)"
        )
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LandingError(f"{path}, line 1: the header is not valid UTF-8") from None
    if not text.strip():
        raise LandingError(f"{path}, line 1: the file has no header row")
    if "\x00" in text:
        raise LandingError(f"{path}, line 1: the header contains a NUL byte (0x00)")
    names, error = split_fields(text)
    if error:
        raise LandingError(f"{path}, line 1 (the header): {error}")
    return [name.strip() for name in names]


def check_header(source: Source, path: Path, header: list[str]) -> tuple[str, ...]:
    """Fail on missing or repeated contract columns; return the unknown extra columns (ignored)."""
    missing = [c.name for c in source.columns if c.name not in header and not c.may_be_absent]
    if missing:
        names = ", ".join(missing)
        raise LandingError(
            f"{path}, line 1: missing required column(s) {names} of source {source.name}; "
            f"the file has: {', '.join(header)}"
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise LandingError(f"{path}, line 1: column(s) {', '.join(repeated)} appear more than once")
    return tuple(name for name in header if name not in source.column_names)


def load_file(
    conn: psycopg.Connection,
    source: Source,
    path: Path,
    *,
    display_name: str | None = None,
    ensure_schema: bool = True,
) -> LoadResult:
    """Load one landing file of source in one transaction on conn (which must not be in one).

    The same bytes loaded again change nothing. Other bytes for an already loaded day are a
    redelivery: that day's earlier rows and rejects are replaced. A caller loading many files
    creates the schema once and passes ensure_schema=False.
    """
    file_name = display_name or str(path)
    delivery = delivery_date_of(path)
    header = read_header(path)
    extra = check_header(source, path, header)
    with reading(path):
        checksum = file_checksum(path)
    with conn.transaction():
        act_as(conn, ROLES.loader)  # raw is written by the loader role (platform/roles.py)
        if ensure_schema:
            ensure_raw_schema(conn)
        take_load_lock(conn, source)
        previous = conn.execute(
            "select checksum, lines, loaded, rejected, physical_lines from raw.load_audit "
            "where source = %s and delivery_date = %s",
            (source.name, delivery),
        ).fetchone()
        if previous and previous[0] == checksum:
            return LoadResult(
                source.name,
                file_name,
                delivery,
                previous[1],
                previous[2],
                previous[3],
                skipped=True,
                extra_columns=extra,
                physical_lines=previous[4] or 0,
            )
        if previous:
            _forget_delivery(conn, source, delivery)
        fields = [f"f{i}" for i in range(len(header))]
        _create_stage(conn, fields)
        physical_lines, strict = _copy_into_stage(conn, source, path, header, fields)
        # COPY's reading is kept only at one record per line: the lines after the header are its records.
        staged = None if strict else physical_lines - 1
        lines, loaded, rejected, changed = _validate_and_upsert(
            conn, source, header, fields, file_name, delivery, staged
        )
        conn.execute(
            """
            insert into raw.load_audit
                (source, delivery_date, file, checksum, lines, loaded, rejected, extra_columns, physical_lines)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s)
            on conflict (source, delivery_date) do update set
                file = excluded.file, checksum = excluded.checksum, lines = excluded.lines,
                loaded = excluded.loaded, rejected = excluded.rejected,
                extra_columns = excluded.extra_columns, physical_lines = excluded.physical_lines,
                loaded_at = now()
            """,
            (source.name, delivery, file_name, checksum, lines, loaded, rejected, list(extra), physical_lines),
        )
        samples = (
            conn.execute(
                "select line, reason from raw.load_rejects where source = %s and delivery_date = %s "
                "order by line limit 5",
                (source.name, delivery),
            ).fetchall()
            if rejected
            else []
        )
    return LoadResult(
        source=source.name,
        file=file_name,
        delivery_date=delivery,
        lines=lines,
        loaded=loaded,
        rejected=rejected,
        changed=changed,
        extra_columns=extra,
        structural_fallback=strict,
        replaced_delivery=previous is not None,
        physical_lines=physical_lines,
        sample_rejects=tuple((int(line), str(reason)) for line, reason in samples),
    )


def _forget_delivery(conn: psycopg.Connection, source: Source, delivery: date) -> None:
    """Drop what an earlier delivery of the same day loaded, before its replacement loads.

    Where that delivery held a key's current version, the newest version another delivery brought
    becomes current again, so a key the replacement no longer carries keeps its earlier version, as it
    would after a fresh load of the same files. The restored version is current from this delivery on:
    its `_delivery_date` is this day (its own day goes to `_version_delivery_date`), so the nightly
    window of this day (macros/incremental/delivery_window.sql) reads it and the models take it instead of the
    version that was dropped. A version restored by an earlier redelivery of this day stays current.
    """
    key = ", ".join(source.key)
    lineage = "_source_file, _source_line, _loaded_at"
    names = ", ".join(source.column_names)
    join = " and ".join(f"h.{k} = gone.{k}" for k in source.key)
    same = " and ".join(f"h.{k} = best.{k}" for k in (*source.key, "_delivery_date"))
    conn.execute(
        f"delete from {source.history_table} where _delivery_date = %s and {NOT_COLLECTED}",  # type: ignore[arg-type]
        (delivery,),
    )
    conn.execute(
        f"""
        with gone as (
            delete from {source.table}
            where ((_delivery_date = %(day)s and _version_delivery_date is null) or _version_delivery_date = %(day)s)
                and {NOT_COLLECTED}
            returning {key}
        ),
        best as (
            select distinct on ({", ".join(f"h.{k}" for k in source.key)}) h.*
            from {source.history_table} as h join gone on {join}
            order by {", ".join(f"h.{k}" for k in source.key)}, {_newest_first(source)}
        ),
        promoted as (
            delete from {source.history_table} as h using best where {same}
            returning h.*
        )
        insert into {source.table} ({names}, {lineage}, _delivery_date, _version_delivery_date)
        select {names}, {lineage}, %(day)s, _delivery_date from promoted
        """,  # type: ignore[arg-type]
        {"day": delivery},
    )
    conn.execute(
        "delete from raw.load_rejects where source = %s and delivery_date = %s and file not like %s",
        (source.name, delivery, f"{COLLECTED_FILE_PREFIX}%"),
    )


def _newest_first(source: Source) -> str:
    """The loader's version order across deliveries (dbt's newest_version_first() mirrors it)."""
    version = f"{source.version_column} desc, " if source.version_column else ""
    return f"{version}_delivery_date desc"


def _create_stage(conn: psycopg.Connection, fields: list[str]) -> None:
    columns = ", ".join(f"{f} text" for f in fields)
    # Dropped on commit; dropped here too in case the caller's transaction holds an earlier one. One round trip,
    # with the load's work_mem: a file's load pays for a few statements, and a day brings hundreds of small files.
    conn.execute(
        f"drop table if exists {STAGE}; "  # type: ignore[arg-type]
        f"create temp table {STAGE} (_ordinal bigint generated always as identity, "
        f"_line bigint, _raw text, _structural text, _reason text, {columns}) on commit drop; "
        "set local work_mem = '64MB'"
    )


def _copy_into_stage(
    conn: psycopg.Connection, source: Source, path: Path, header: list[str], fields: list[str]
) -> tuple[int, bool]:
    """Stage the file's records; return its physical lines and whether the strict reader staged them.

    The fast path hands the bytes straight to COPY and counts the file's lines on the way (C code,
    no work per row). COPY's reading is kept only when it gave one record per line after the header.
    Otherwise the strict reader (ingest/records.py) stages the file instead: a record that spans
    lines, where COPY's lenient quoting may have merged records; a line with a quote where RFC 4180
    allows none (`a","b`: one field `a,b` to COPY, so a record with one field too many would load with
    two fields merged); a line holding only `\\.`, where Postgres 15-17 stop reading; and a file COPY
    cannot parse at all (a wrong number of fields, bytes that are not UTF-8, a NUL byte).
    """
    columns = ", ".join(fields)
    try:
        with reading(path), conn.transaction():
            rows, physical_lines = _copy_counting_lines(
                conn, f"copy {STAGE} ({columns}) from stdin (format csv, header true)", path
            )
            if rows + 1 != physical_lines:
                raise _NotOneRecordPerLine(f"{physical_lines} lines hold {rows} records")
        return physical_lines, False
    except _NotOneRecordPerLine as exc:  # the savepoint's rollback has emptied the stage
        log.info("%s: %s; reading it strictly, record by record", path, exc)
    except psycopg.errors.DataError as exc:
        log.info("%s: COPY could not parse it (%s); reading it record by record", path, exc.diag.message_primary)
    return _stage_strictly(conn, source, path, header, fields), True


class _NotOneRecordPerLine(Exception):
    """COPY's reading differs from one record per physical line: the strict reader decides."""


# Lines of RFC 4180 fields: unquoted ones hold no quote, quoted ones double theirs and end at a comma or
# the line end. COPY reads such lines as RFC 4180 does; a line with a quote anywhere else it reads its
# own way (`a","b` is one field `a,b` to COPY, a stray quote to RFC 4180). One match over a block of
# whole lines, possessive throughout: linear, in C (about 50 MB/s on the bench machine).
_RFC_FIELD = rb'(?:"(?:[^"\r\n]++|"")*+"|[^",\r\n]*+)'
_RFC_LINE = _RFC_FIELD + rb"(?:," + _RFC_FIELD + rb")*+\r?"
_RFC_LINES = re.compile(rb"(?:" + _RFC_LINE + rb"\n)*+" + _RFC_LINE)


def _lines_are_rfc4180(block: bytes) -> bool:
    """Whether block (whole lines, the last one without its LF) is lines of RFC 4180 fields only."""
    return _RFC_LINES.fullmatch(block) is not None


def _copy_counting_lines(
    conn: psycopg.Connection, statement: str, path: Path, check_quotes: bool = True
) -> tuple[int, int]:
    """copy_file that also counts the file's physical lines (a last line without LF counts too).

    It also checks, in C code, each line that holds a quote: where one is not an RFC 4180 line (a quote
    inside an unquoted field, text after a closing quote, a quoted field running over the line end),
    COPY's reading may differ from the strict reader's, and _NotOneRecordPerLine hands the file to it.
    """
    newlines, last, tail, rfc4180 = 0, b"\n", b"", True
    with conn.cursor() as cur:
        with cur.copy(statement) as copy, open_binary(path) as handle:  # type: ignore[arg-type]
            while rfc4180 and (chunk := handle.read(COPY_CHUNK_BYTES)):
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
                cut = chunk.rfind(b"\n")
                if cut < 0:
                    tail += chunk
                    copy.write(chunk)
                    continue
                if check_quotes and (b'"' in tail or chunk.find(b'"', 0, cut) >= 0):
                    rfc4180 = _lines_are_rfc4180(tail + chunk[:cut])
                tail = chunk[cut + 1 :]
                copy.write(chunk)  # after a line that fails, COPY's part-read is rolled back with its savepoint
            rfc4180 = rfc4180 and (not check_quotes or b'"' not in tail or _lines_are_rfc4180(tail))
        if not rfc4180:
            raise _NotOneRecordPerLine("a line holds a quote where RFC 4180 allows none")
        return cur.rowcount, newlines + (last != b"\n")


def copy_file(conn: psycopg.Connection, statement: str, path: Path) -> int:
    """Stream a file's bytes into COPY FROM STDIN in fixed-size chunks: memory stays flat. Returns rows."""
    return _copy_counting_lines(conn, statement, path, check_quotes=False)[0]


def _stage_strictly(conn: psycopg.Connection, source: Source, path: Path, header: list[str], fields: list[str]) -> int:
    """Stage every record the strict reader finds; a malformed one is staged with its reason. Returns lines."""
    free_text = [i for i, name in enumerate(header) if name in source.column_names and source.column(name).free_text]
    columns = ", ".join(["_line", "_raw", "_structural", *fields])
    nothing = [None] * len(fields)
    with (
        reading(path),
        conn.cursor() as cur,
        cur.copy(f"copy {STAGE} ({columns}) from stdin") as copy,  # type: ignore[arg-type]
        open_binary(path) as binary,
    ):
        reader = RecordReader(binary, header, free_text)
        for record in reader:
            if record.reason is None:
                copy.write_row([record.line, record.raw, None, *record.fields])
            else:
                copy.write_row([record.line, record.raw, record.reason, *nothing])
    return reader.physical_lines


# The delivery day of a current row's version, which the loader's order of versions compares; a row
# restored by a redelivery is current from a later `_delivery_date` than its own (_forget_delivery).
VERSION_DAY = "coalesce(t._version_delivery_date, t._delivery_date)"


def _history_ctes(source: Source, delivery_literal: str, file_literal: str) -> str:
    """CTEs that keep in the history table whichever of a key's two versions loses: the current row a
    newer one of the file replaces, or the file's row an already current one outranks.

    They read the statement's snapshot, so they see the current rows as they were before the upsert.
    """
    names = ", ".join(source.column_names)
    lineage = "_delivery_date, _source_file, _source_line, _loaded_at"
    join = " and ".join(f"n.{k} = t.{k}" for k in source.key)
    if source.version_column:
        v = source.version_column
        newer = f"(n.{v} > t.{v} or (n.{v} = t.{v} and {delivery_literal} >= {VERSION_DAY}))"
    else:
        newer = f"({delivery_literal} >= {VERSION_DAY})"
    current = ", ".join(f"t.{c}" for c in source.column_names)
    incoming = ", ".join(f"n.{c}" for c in source.column_names)
    return f"""
        displaced as (
            insert into {source.history_table} ({names}, {lineage})
            select {current}, {VERSION_DAY}, t._source_file, t._source_line, t._loaded_at
            from newest as n join {source.table} as t on {join} where {newer}
            returning 1
        ),
        outranked as (
            insert into {source.history_table} ({names}, {lineage})
            select {incoming}, {delivery_literal}, {file_literal}, n._physical_line, now()
            from newest as n join {source.table} as t on {join} where not {newer}
            returning 1
        ),"""


def _validate_and_upsert(
    conn: psycopg.Connection,
    source: Source,
    header: list[str],
    fields: list[str],
    file_name: str,
    delivery: date,
    staged: int | None,
) -> tuple[int, int, int, int]:
    """Validate every staged row, keep the rejects, upsert the newest version of each key.

    `staged` is the stage's row count when COPY staged the file, None when the strict reader did.

    Optimistic: one pass tests every row with cheap booleans (validation.valid_expression) and writes a
    reason only on the rows that fail, so a clean file pays for its tests and its insert, nothing more.
    """
    strict = staged is None
    modern = server_version(conn) >= 160000
    field_of = dict(zip(header, fields, strict=True))
    for column in source.columns:  # a column the header may lack is empty on every row of a file without it
        field_of.setdefault(column.name, "cast(null as text)")
    reasons = ", ".join(reason_expression(c, field_of[c.name], modern) for c in source.columns)
    valid = " and ".join(f"({valid_expression(c, field_of[c.name], modern)})" for c in source.columns)
    raw_line = "_raw" if strict else " || ',' || ".join(csv_field_expression(f) for f in fields)
    line = "_line" if strict else "_ordinal + 1"  # COPY's reading is kept only at one record per line
    reason = f"nullif(concat_ws('; ', {reasons}), '')"
    invalid = f"not ({valid})"
    if strict:
        reason, invalid = f"coalesce(_structural, {reason})", f"_structural is not null or {invalid}"
    lines = staged if staged is not None else int(conn.execute(f"select count(*) from {STAGE}").fetchone()[0])  # type: ignore[arg-type,index]
    # The reasons, on the failing rows only: the stage is a temporary table, so marking them costs no WAL.
    rejected = conn.execute(f"update {STAGE} set _reason = {reason} where {invalid}").rowcount  # type: ignore[arg-type]
    file_literal = sql_literal(file_name)
    delivery_literal = f"date {sql_literal(delivery.isoformat())}"
    if rejected:
        conn.execute(
            f"""
            insert into raw.load_rejects (source, delivery_date, file, line, raw_line, reason)
            select {sql_literal(source.name)}, {delivery_literal}, {file_literal}, {line}, {raw_line}, _reason
            from {STAGE} where _reason is not null
            """  # type: ignore[arg-type]
        )
    changed = _upsert(conn, source, field_of, line, file_literal, delivery_literal)
    return lines, lines - rejected, rejected, changed


def _upsert(
    conn: psycopg.Connection,
    source: Source,
    field_of: dict[str, str],
    line: str,
    file_literal: str,
    delivery_literal: str,
) -> int:
    """Insert the stage's valid rows into the source's table, upserting by key where keys were loaded before.

    Returns the rows inserted or updated.
    """
    names = [c.name for c in source.columns]
    casts = ", ".join(f"{cast_expression(c, field_of[c.name])} as {c.name}" for c in source.columns)
    key = ", ".join(source.key)
    version = f"{source.version_column} desc, " if source.version_column else ""
    updates = ", ".join(f"{n} = excluded.{n}" for n in [*names, "_delivery_date", "_source_file", "_source_line"])
    updates += ", _version_delivery_date = null"
    if source.version_column:
        v = source.version_column
        newer = f"excluded.{v} > t.{v} or (excluded.{v} = t.{v} and excluded._delivery_date >= {VERSION_DAY})"
    else:
        newer = f"excluded._delivery_date >= {VERSION_DAY}"
    insert = f"insert into {source.table} as t ({', '.join(names)}, _delivery_date, _source_file, _source_line)"
    typed = f"select {casts}, {line} as _physical_line from {STAGE} where _reason is null"
    newest_by_key = f"select distinct on ({key}) * from ({typed}) as typed order by {key}, {version}_physical_line desc"
    upsert = f"on conflict ({key}) do update set {updates}, _loaded_at = now() where {newer}"
    history = _history_ctes(source, delivery_literal, file_literal)
    versioned = f"""
        with newest as ({{newest}}),
        {history}
        upserted as (
            {insert}
            select {", ".join(names)}, {delivery_literal}, {file_literal}, _physical_line from newest
            {upsert}
            returning 1
        )
        select count(*) from upserted
    """
    # Cheapest first, since most files are new keys, each once: a plain insert. A key loaded
    # before makes it an upsert; a key repeated within the file makes it sort for the newest line.
    # Each attempt gives the same result as the ones before it wherever they succeed, so a source whose
    # last file needed a later one (the entity sources, whose files update keys every day) starts there.
    plain = f"{insert} select {casts}, {delivery_literal}, {file_literal}, {line} from {STAGE} where _reason is null"
    attempts = (None, typed, newest_by_key)
    first = _FIRST_ATTEMPT.get(source.name, 0)
    for index in range(first, len(attempts)):
        attempt = attempts[index]
        try:
            with conn.transaction():
                if attempt is None:
                    changed = conn.execute(plain).rowcount  # type: ignore[arg-type]
                else:
                    changed = int(conn.execute(versioned.replace("{newest}", attempt)).fetchone()[0])  # type: ignore[arg-type,index]
        except (psycopg.errors.UniqueViolation, psycopg.errors.CardinalityViolation):
            continue
        _FIRST_ATTEMPT[source.name] = index
        return changed
    raise AssertionError("the newest version of each key cannot conflict")


# Per source, the attempt of _upsert that succeeded on its last file in this process.
_FIRST_ATTEMPT: dict[str, int] = {}
