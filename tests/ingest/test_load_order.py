"""Issue 8, the last items: a mid-field quote on COPY's fast path, what a redelivery makes current
again, and a load that will not wait for ever behind a lock.

Each runs on the embedded server and, in CI's second pass, on Postgres 15.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.loader import LOAD_LOCK_TIMEOUT_ENV, LoadLockTimeout, load_file
from aias_dagster.ingest.records import RecordReader
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.ingest.files import row, write_landing

DAY = date(2026, 3, 1)


def customers_file(tmp_path: Path, company_line: bytes) -> Path:
    """Three customers; the second's company_name field is replaced by the bytes given, as delivered."""
    path = write_landing(tmp_path, "customers", DAY, [row("customers", n) for n in (1, 2, 3)])
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b",Acme,", b"," + company_line + b",", 1)
    path.write_bytes(b"".join(lines))
    return path


def strict_reading(path: Path) -> list[tuple[int, tuple[str, ...], str | None]]:
    """The reading of the pure strict reader (ingest/records.py), record by record."""
    names = list(get_source("customers").column_names)
    with path.open("rb") as handle:
        return [(r.line, r.fields, r.reason) for r in RecordReader(handle, names)]


@pytest.mark.parametrize(
    ("company", "reason"),
    [
        # COPY reads `Acme","Labs` as the one field `Acme,Labs`: a record with one field too many loaded
        # with two of them merged, silently. RFC 4180 allows a quote only in a quoted field.
        (b'Acme","Labs', "company_name: a quote inside an unquoted field"),
        # COPY reads `"Acme"Labs` as `AcmeLabs`; RFC 4180 ends a quoted field at the closing quote.
        (b'"Acme"Labs', "company_name: text after the closing quote"),
    ],
)
def test_a_quote_inside_a_field_is_rejected_on_the_fast_path_as_by_the_strict_reader(
    conn: psycopg.Connection, tmp_path: Path, company: bytes, reason: str
) -> None:
    path = customers_file(tmp_path, company)
    strict = strict_reading(path)

    result = load_file(conn, get_source("customers"), path)

    assert (result.lines, result.loaded, result.rejected) == (3, 2, 1)
    rejects = conn.execute("select line, reason from raw.load_rejects").fetchall()
    assert [(line, why.split(" (")[0]) for line, why in rejects] == [(3, reason)]
    # The same reading as the strict reader's, record by record: line 3 rejected with the same reason.
    assert [(line, why) for line, _, why in strict if why] == rejects
    loaded = conn.execute("select customer_id, company_name from raw.customers order by 1").fetchall()
    assert loaded == [(fields[0], fields[1]) for _, fields, why in strict if why is None]
    assert loaded == [("C1-1", "Acme"), ("C1-3", "Acme")]


def test_quotes_where_rfc_4180_allows_them_keep_the_fast_path(conn: psycopg.Connection, tmp_path: Path) -> None:
    rows = [row("customers", 1, company_name="Acme, Inc."), row("customers", 2, company_name='The "Best" Co')]
    path = write_landing(tmp_path, "customers", DAY, rows)
    assert b'"The ""Best"" Co"' in path.read_bytes()

    result = load_file(conn, get_source("customers"), path)

    assert (result.loaded, result.rejected, result.structural_fallback) == (2, 0, False)
    assert conn.execute("select company_name from raw.customers order by 1").fetchall() == [
        ("Acme, Inc.",),
        ('The "Best" Co',),
    ]


def test_a_version_a_redelivery_restores_is_current_from_that_delivery_so_its_window_reads_it(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # C1 in 11-21, updated in 11-25; 11-25 redelivered without it brought the 11-21 version back with
    # its own _delivery_date, so the nightly window of 11-25 (macros/incremental/delivery_window.sql) never read it
    # and the models kept the version that was withdrawn.
    source = get_source("customers")
    first, second = date(2025, 11, 21), date(2025, 11, 25)
    older = row("customers", 1, company_name="Acme", updated_at="2025-11-21T09:00:00Z")
    newer = row("customers", 1, company_name="Acme Group", updated_at="2025-11-25T09:00:00Z")
    load_file(conn, source, write_landing(tmp_path / "a", "customers", first, [older, row("customers", 2)]))
    load_file(conn, source, write_landing(tmp_path / "b", "customers", second, [newer, row("customers", 3)]))

    load_file(conn, source, write_landing(tmp_path / "c", "customers", second, [row("customers", 3)]))

    window = (
        "select customer_id, company_name, _source_file, _version_delivery_date from raw.customers "
        "where _delivery_date >= %s and _delivery_date < %s order by 1"
    )
    assert conn.execute(window, (second, date(2025, 11, 26))).fetchall() == [
        ("C1-1", "Acme", str(tmp_path / "a" / "customers" / "2025-11-21.csv"), first),
        ("C1-3", "Acme", str(tmp_path / "c" / "customers" / "2025-11-25.csv"), None),
    ]

    # The same day redelivered once more, still without C1: the restored version stays current.
    load_file(conn, source, write_landing(tmp_path / "d", "customers", second, [row("customers", 4)]))
    current = "select customer_id, company_name, _delivery_date from raw.customers order by 1"
    assert conn.execute(current).fetchall() == [
        ("C1-1", "Acme", second),
        ("C1-2", "Acme", first),
        ("C1-4", "Acme", second),
    ]
    # A newer version in a later delivery replaces it as usual, and the restored one waits in history.
    later = row("customers", 1, company_name="Acme AG", updated_at="2025-11-27T09:00:00Z")
    load_file(conn, source, write_landing(tmp_path / "e", "customers", date(2025, 11, 27), [later]))
    assert conn.execute(
        "select company_name, _delivery_date, _version_delivery_date from raw.customers where customer_id = 'C1-1'"
    ).fetchall() == [("Acme AG", date(2025, 11, 27), None)]
    assert conn.execute(
        "select customer_id, company_name, _delivery_date from raw.customers__history order by 1"
    ).fetchall() == [("C1-1", "Acme", first)]


def test_a_load_waits_for_a_held_load_lock_at_most_the_timeout_and_names_its_holder(
    database: ConnectionSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A load killed mid-COPY left its session holding the load lock for 16 s; the next load waited behind it.
    monkeypatch.setenv(LOAD_LOCK_TIMEOUT_ENV, "1.5")
    path = write_landing(tmp_path, "customers", DAY, [row("customers", 1)])
    with psycopg.connect(database.url) as holder, psycopg.connect(database.url) as conn:
        holder.execute("set application_name = 'orphaned load'")
        holder.execute("select pg_advisory_xact_lock(hashtext('aias.load.customers'))")
        holder_pid = holder.info.backend_pid

        started = time.monotonic()
        with pytest.raises(LoadLockTimeout) as raised:
            load_file(conn, get_source("customers"), path)
        waited = time.monotonic() - started

        message = str(raised.value)
        assert 1.5 <= waited < 6, waited
        assert "\n" not in message
        assert message.startswith("raw.customers: waited 1.5s for the load lock aias.load.customers")
        assert f"session pid {holder_pid} (orphaned load, idle in transaction" in message
        assert LOAD_LOCK_TIMEOUT_ENV in message
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE  # nothing left open

        holder.rollback()  # the holder's session ends its transaction: the next load goes through
        assert load_file(conn, get_source("customers"), path).loaded == 1


def test_parallel_first_loads_of_a_new_database_wait_for_each_other_but_never_deadlock(
    database: ConnectionSettings, tmp_path: Path
) -> None:
    # Parallel loads hit 2-5 deadlocks a run, recovered only by the retry. Two loads of each of three
    # sources at once, on a database without raw: the roles, the DDL and the load locks in one order.
    from concurrent.futures import ThreadPoolExecutor

    from aias_dagster.ingest.window import load_days

    days = [date(2026, 3, d) for d in (1, 2, 3)]
    names = ("customers", "api_requests", "app_errors")
    for name in names:
        for day in days:
            write_landing(tmp_path, name, day, [row(name, n + 10 * day.day) for n in range(20)])

    def load(name: str) -> int:
        with psycopg.connect(database.url) as conn:
            return load_days(conn, get_source(name), tmp_path, days).loaded

    with ThreadPoolExecutor(2 * len(names)) as pool:
        loaded = list(pool.map(load, [*names, *names]))

    # Between them, the two loads of a source loaded each file once; the other found it done.
    assert [loaded[i] + loaded[i + len(names)] for i in range(len(names))] == [60, 60, 60]
    with psycopg.connect(database.url) as conn:
        (deadlocks,) = conn.execute(
            "select deadlocks from pg_stat_database where datname = current_database()"
        ).fetchone()  # type: ignore[misc]
        counts = conn.execute("select source, sum(lines) from raw.load_audit group by 1 order by 1").fetchall()
    assert deadlocks == 0
    assert counts == [(name, 60) for name in sorted(names)]
