"""Regression tests for the faults a probe of mutated landing files found (issue 8): none may lose data.

Each runs on the embedded server and, in CI's second pass, on Postgres 15, where COPY reads a line
holding only `\\.` as the end of the data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.landing import LandingError
from aias_dagster.ingest.loader import load_file
from aias_dagster.ingest.window import WindowLoadError, load_days
from tests.ingest.files import row, write_landing

DAY = date(2026, 3, 1)


def insert_line(path: Path, after: int, text: bytes) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines[:after], text, *lines[after:]]))


def audit(conn: psycopg.Connection, source: str) -> tuple[int, int, int, int]:
    return conn.execute(
        "select lines, loaded, rejected, physical_lines from raw.load_audit where source = %s", (source,)
    ).fetchone()  # type: ignore[return-value]


def test_a_line_holding_only_backslash_dot_is_a_reject_not_the_end_of_the_file(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # Postgres 15 took `\.` as COPY's end of data: 2 of 134 rows loaded, audited as complete, never recovered.
    source = get_source("api_requests")
    path = write_landing(tmp_path, "api_requests", DAY, [row("api_requests", n) for n in range(134)])
    insert_line(path, 3, b"\\.\n")

    result = load_file(conn, source, path)
    again = load_file(conn, source, path)

    assert (result.lines, result.loaded, result.rejected, result.physical_lines) == (135, 134, 1, 136)
    assert conn.execute("select count(*) from raw.api_requests").fetchone() == (134,)
    assert conn.execute("select line, raw_line, reason from raw.load_rejects").fetchall() == [
        (4, "\\.", "row: wrong number of fields: expected 9, got 1")
    ]
    assert audit(conn, "api_requests") == (135, 134, 1, 136)
    assert again.skipped and conn.execute("select count(*) from raw.api_requests").fetchone() == (134,)


def test_a_nul_byte_rejects_its_row_and_the_rest_of_the_file_and_the_later_days_load(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # One NUL byte failed the whole file with psycopg.DataError, naming no file, and stopped the later days.
    source = get_source("product_events")
    first = write_landing(tmp_path, "product_events", DAY, [row("product_events", n) for n in range(5)])
    data = first.read_bytes().replace(b"U1", b"U\x001", 1)
    first.write_bytes(data)
    write_landing(tmp_path, "product_events", date(2026, 3, 2), [row("product_events", n) for n in range(5, 8)])

    report = load_days(conn, source, tmp_path, [DAY, date(2026, 3, 2)])

    assert [(r.lines, r.loaded, r.rejected) for r in report.results] == [(5, 4, 1), (3, 3, 0)]
    line, raw_line, reason = conn.execute("select line, raw_line, reason from raw.load_rejects").fetchone()  # type: ignore[misc]
    assert (line, reason) == (2, "user_id: contains a NUL byte (0x00)")
    assert "U\ufffd1" in raw_line
    assert conn.execute("select count(*) from raw.product_events").fetchone() == (7,)


def test_a_ten_megabyte_field_loads_and_every_record_after_it_is_counted(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # The fallback reader kept Python's 128 KB field limit: 3 good rows after a 10 MB field were neither
    # loaded nor counted, and the audit said lines=2 for a file of 5 records.
    source = get_source("app_errors")
    huge = "x" * (10 << 20)
    rows = [row("app_errors", 1), row("app_errors", 2, message=huge), *(row("app_errors", n) for n in (3, 4, 5))]
    path = write_landing(tmp_path, "app_errors", DAY, rows)
    insert_line(path, 4, b"X-short,2026-03-01T14:00:00Z,api-gateway\n")  # a bad row: the strict reader reads it

    result = load_file(conn, source, path)

    assert (result.lines, result.loaded, result.rejected, result.physical_lines) == (6, 5, 1, 7)
    assert result.structural_fallback
    assert conn.execute("select length(message) from raw.app_errors where error_id = 'X1-2'").fetchone() == (10 << 20,)
    assert conn.execute("select line, reason from raw.load_rejects").fetchall() == [
        (5, "row: wrong number of fields: expected 9, got 3")
    ]


def test_a_stray_opening_quote_rejects_its_line_instead_of_merging_the_records_after_it(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # ER...52 vanished into ER...50's message, which took ER...52's http_status: a guess, not a reading.
    source = get_source("app_errors")
    rows = [row("app_errors", n, http_status=str(500 + n % 10)) for n in range(60)]
    rows[52]["message"] = "Timeout, after 30000ms"  # a comma: the writer quotes this message
    path = write_landing(tmp_path, "app_errors", DAY, rows)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[51] = lines[51].replace(b",Timeout after", b',"Timeout after')  # the record of X1-50
    path.write_bytes(b"".join(lines))

    result = load_file(conn, source, path)

    assert (result.lines, result.loaded, result.rejected, result.physical_lines) == (60, 59, 1, 61)
    line, reason = conn.execute("select line, reason from raw.load_rejects").fetchone()  # type: ignore[misc]
    assert line == 52 and reason.startswith("message: ")
    assert conn.execute(
        "select error_id, http_status, message from raw.app_errors where error_id in ('X1-51', 'X1-52') order by 1"
    ).fetchall() == [("X1-51", 501, "Timeout after 30000ms"), ("X1-52", 502, "Timeout, after 30000ms")]


def test_a_quoted_line_break_in_a_column_that_is_not_free_text_is_a_reject(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # A quote that swallows line breaks outside a free-text column is taken as stray, never as a value.
    source = get_source("customers")
    rows = [row("customers", 1), row("customers", 2, company_name="Acme\nGmbH"), row("customers", 3)]
    path = write_landing(tmp_path, "customers", DAY, rows)

    result = load_file(conn, source, path)

    assert (result.lines, result.loaded, result.rejected, result.physical_lines) == (4, 2, 2, 5)
    assert conn.execute("select customer_id from raw.customers order by 1").fetchall() == [("C1-1",), ("C1-3",)]
    reasons = conn.execute("select line, reason from raw.load_rejects order by line").fetchall()
    assert reasons[0] == (
        3,
        "company_name: a quoted value runs over several lines, but the column is not free text (a stray quote?)",
    )
    assert reasons[1][0] == 4


def test_a_file_with_cr_only_line_ends_fails_with_one_line_naming_it(conn: psycopg.Connection, tmp_path: Path) -> None:
    # CR-only line ends, or a bare CR in the header, ended in `_csv.Error: new-line character seen...`.
    path = write_landing(tmp_path, "fx_rates", DAY, [row("fx_rates")])
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    with pytest.raises(LandingError) as raised:
        load_file(conn, get_source("fx_rates"), path)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"{path}, line 1: a carriage return (CR)")

    path.write_bytes(b"rate_date,currency\r,usd_per_unit\n2026-03-01,EUR,1.1\n")
    with pytest.raises(LandingError, match=r"fx_rates/2026-03-01\.csv, line 1: a carriage return"):
        load_file(conn, get_source("fx_rates"), path)


def test_files_that_are_not_deliveries_are_listed_in_the_window_report(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # A file with a malformed day name was ignored without a word.
    write_landing(tmp_path, "api_requests", DAY, [row("api_requests")])
    folder = tmp_path / "api_requests"
    (folder / "2026-10-04; drop table raw.api_requests.csv").write_text("request_id\n")
    (folder / "2026-02-30.csv").write_text("request_id\n")

    report = load_days(conn, get_source("api_requests"), tmp_path, [DAY])

    assert report.loaded == 1
    assert report.ignored_files == (
        ("2026-02-30.csv", "2026-02-30 is not a calendar date"),
        ("2026-10-04; drop table raw.api_requests.csv", "not named YYYY-MM-DD.csv or YYYY-MM-DD.csv.gz"),
    )
    assert conn.execute("select count(*) from raw.api_requests").fetchone() == (1,)


def test_a_file_that_cannot_be_loaded_does_not_stop_the_other_days(conn: psycopg.Connection, tmp_path: Path) -> None:
    # The first unloadable file of a window stopped every later day of the source.
    source = get_source("fx_rates")
    bad = write_landing(tmp_path, "fx_rates", DAY, [row("fx_rates")], gz=True)
    bad.write_bytes(bad.read_bytes()[:-12])  # the end of the gzip stream is cut off
    write_landing(tmp_path, "fx_rates", date(2026, 3, 2), [row("fx_rates", rate_date="2026-03-02")])

    with pytest.raises(WindowLoadError) as raised:
        load_days(conn, source, tmp_path, [DAY, date(2026, 3, 2)])

    assert str(raised.value).startswith(f"{bad}: cannot be read")
    assert "\n" not in str(raised.value)
    assert raised.value.report.loaded == 1
    assert conn.execute("select rate_date from raw.fx_rates").fetchall() == [(date(2026, 3, 2),)]


def test_a_redelivery_without_a_key_keeps_the_version_an_earlier_delivery_brought(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # Redelivering 11-25 without C1 deleted C1, which 11-21 still held: raw depended on the load history.
    source = get_source("customers")
    first, second = date(2025, 11, 21), date(2025, 11, 25)
    older = row("customers", 1, company_name="Acme", updated_at="2025-11-21T09:00:00Z")
    newer = row("customers", 1, company_name="Acme Group", updated_at="2025-11-25T09:00:00Z")
    load_file(conn, source, write_landing(tmp_path, "customers", first, [older, row("customers", 2)]))
    load_file(conn, source, write_landing(tmp_path, "customers", second, [newer, row("customers", 3)]))
    assert conn.execute("select company_name from raw.customers where customer_id = 'C1-1'").fetchone() == (
        "Acme Group",
    )

    redelivered = load_file(conn, source, write_landing(tmp_path, "customers", second, [row("customers", 3)]))

    assert redelivered.replaced_delivery
    versions = (
        "select customer_id, company_name, coalesce(_version_delivery_date, _delivery_date), _source_line "
        "from raw.customers order by 1"
    )
    current = conn.execute(versions).fetchall()
    assert current == [("C1-1", "Acme", first, 2), ("C1-2", "Acme", first, 3), ("C1-3", "Acme", second, 2)]
    assert conn.execute("select count(*) from raw.customers__history").fetchone() == (0,)
    # Current again from the redelivery on (tests/ingest/test_quotes_and_redelivery.py has the window).
    assert conn.execute("select _delivery_date from raw.customers where customer_id = 'C1-1'").fetchone() == (second,)

    # The same files loaded afresh, in the other order, give the same current versions.
    conn.execute("drop schema raw cascade")
    conn.commit()
    load_file(conn, source, write_landing(tmp_path, "customers", second, [row("customers", 3)]))
    load_file(conn, source, write_landing(tmp_path, "customers", first, [older, row("customers", 2)]))
    fresh = conn.execute(versions).fetchall()
    assert fresh == current


def test_an_older_version_delivered_later_is_kept_and_comes_back_when_the_newer_one_is_withdrawn(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # Every delivered version is kept: the one that lost (older updated_at) waits in the history table.
    source = get_source("customers")
    newer = row("customers", 1, company_name="New", updated_at="2026-03-05T00:00:00Z")
    older = row("customers", 1, company_name="Old", updated_at="2026-03-01T00:00:00Z")
    load_file(conn, source, write_landing(tmp_path, "customers", date(2026, 3, 5), [newer]))
    load_file(conn, source, write_landing(tmp_path, "customers", date(2026, 3, 6), [older]))
    assert conn.execute("select company_name from raw.customers").fetchall() == [("New",)]
    assert conn.execute("select company_name, _delivery_date from raw.customers__history").fetchall() == [
        ("Old", date(2026, 3, 6))
    ]

    load_file(conn, source, write_landing(tmp_path, "customers", date(2026, 3, 5), [row("customers", 2)]))

    assert conn.execute("select customer_id, company_name from raw.customers order by 1").fetchall() == [
        ("C1-1", "Old"),
        ("C1-2", "Acme"),
    ]
    assert conn.execute("select count(*) from raw.customers__history").fetchone() == (0,)


def test_a_delivery_that_is_not_a_readable_file_fails_with_one_line_naming_it(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # Every read of a delivery (its header, its checksum, its records) turns a failure into one line naming it.
    path = tmp_path / "fx_rates" / "2026-03-01.csv"
    path.mkdir(parents=True)
    with pytest.raises(LandingError) as raised:
        load_file(conn, get_source("fx_rates"), path)
    assert str(raised.value).startswith(f"{path}: cannot be read") and "\n" not in str(raised.value)


def test_a_redelivery_brings_back_the_earlier_day_of_a_key_without_updated_at(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # The same loss for a source whose newer delivery wins, with a key of three columns.
    source = get_source("marketing_spend")
    spend = row("marketing_spend", amount="10")
    load_file(conn, source, write_landing(tmp_path, "marketing_spend", date(2026, 3, 2), [spend]))
    later = write_landing(tmp_path, "marketing_spend", date(2026, 3, 5), [{**spend, "amount": "12.34"}])
    load_file(conn, source, later)
    assert conn.execute("select amount::text from raw.marketing_spend").fetchall() == [("12.34",)]

    other = {**spend, "campaign_id": "other"}
    load_file(conn, source, write_landing(tmp_path, "marketing_spend", date(2026, 3, 5), [other]))

    assert conn.execute(
        "select campaign_id, amount::text, _delivery_date from raw.marketing_spend order by 1"
    ).fetchall() == [("other", "10", date(2026, 3, 5)), ("ps_brand-1", "10", date(2026, 3, 5))]
