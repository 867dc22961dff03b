"""The loader against real Postgres: every contract rule, idempotency, redelivery, crashes."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.landing import LandingError
from aias_dagster.ingest.loader import load_file
from aias_dagster.ingest.records import RecordReader
from aias_dagster.ingest.schema import ensure_raw_schema
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.ingest.files import row, write_landing

DAY = date(2026, 3, 1)

# (source, column, bad value, what the reason must say)
RULE_CASES = [
    ("customers", "customer_id", "", "customer_id: missing required value"),
    ("customers", "signup_at", "2026-13-01T00:00:00Z", "signup_at: not an ISO 8601 timestamp with an offset"),
    ("customers", "signup_at", "2026-03-01 10:00:00", "signup_at: not an ISO 8601 timestamp with an offset"),
    ("customers", "converted_at", "yesterday", "converted_at: not an ISO 8601 timestamp"),
    ("customers", "country", "USA", "country: not an ISO 3166-1 alpha-2 country code"),
    # Issue 8, item 6: codes were only shape-checked, so XX, ABC and space_lasers loaded.
    ("customers", "country", "XX", "country: not an ISO 3166-1 alpha-2 country code (got 'XX')"),
    ("marketing_spend", "currency", "ABC", "currency: not an ISO 4217 currency code (got 'ABC')"),
    ("support_tickets", "agent_category", "space_lasers", "agent_category: not one of billing, login_access"),
    ("customers", "segment", "startup", "segment: not one of smb, mid_market, enterprise"),
    ("marketing_spend", "spend_date", "2026-02-30", "spend_date: not a date (YYYY-MM-DD)"),
    ("marketing_spend", "spend_date", "03/01/2026", "spend_date: not a date (YYYY-MM-DD)"),
    ("marketing_spend", "amount", "-0.01", "amount: must be >= 0"),
    ("marketing_spend", "amount", "12,50", "amount: not a decimal number"),
    ("marketing_spend", "currency", "usd", "currency: not an ISO 4217 currency code"),
    ("fx_rates", "usd_per_unit", "0", "usd_per_unit: must be > 0"),
    ("product_events", "properties", "{not json", "properties: not a JSON object"),
    ("product_events", "properties", "[1, 2]", "properties: not a JSON object"),
    ("support_tickets", "priority", "critical", "priority: not one of low, normal, high, urgent"),
    ("support_tickets", "csat_score", "6", "csat_score: must be between 1 and 5"),
    ("support_tickets", "reopened_count", "-1", "reopened_count: must be >= 0"),
    ("support_tickets", "reopened_count", "1.5", "reopened_count: not an integer"),
    ("api_requests", "units", "-3", "units: must be >= 0"),
    ("api_requests", "status_code", "700", "status_code: must be between 100 and 599"),
    ("api_requests", "latency_ms", "ten", "latency_ms: not a decimal number"),
    ("app_errors", "message", "", "message: missing required value"),
]


def count(conn: psycopg.Connection, query: str) -> int:
    return conn.execute(query).fetchone()[0]  # type: ignore[index]


@pytest.mark.parametrize(("source", "column", "bad", "reason"), RULE_CASES)
def test_each_contract_rule_rejects_its_bad_row_while_good_rows_load(
    conn: psycopg.Connection, tmp_path: Path, source: str, column: str, bad: str, reason: str
) -> None:
    rows = [row(source, 1), row(source, 2, **{column: bad}), row(source, 3)]
    if source in ("marketing_spend", "fx_rates"):  # composite keys without an id: vary another key part
        rows = [row(source, 1), {**row(source, 2), column: bad}, row(source, 3)]
        key_column = "campaign_id" if source == "marketing_spend" else "currency"
        rows[0][key_column], rows[2][key_column] = ("a", "b") if source == "marketing_spend" else ("GBP", "JPY")
    path = write_landing(tmp_path, source, DAY, rows)

    result = load_file(conn, get_source(source), path)

    assert (result.lines, result.loaded, result.rejected) == (3, 2, 1)
    assert count(conn, f"select count(*) from raw.{source}") == 2
    line, raw_line, stored_reason = conn.execute("select line, raw_line, reason from raw.load_rejects").fetchone()  # type: ignore[misc]
    assert reason in stored_reason
    expected_line = 3 if source != "support_tickets" else 4  # the first ticket's body spans two lines
    assert line == expected_line
    assert bad in raw_line


def test_an_agent_category_is_compared_in_lower_case_as_staging_cleans_it(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    path = write_landing(tmp_path, "support_tickets", DAY, [row("support_tickets", 1, agent_category=" Billing")])
    assert load_file(conn, get_source("support_tickets"), path).loaded == 1


def test_empty_units_default_to_one(conn: psycopg.Connection, tmp_path: Path) -> None:
    path = write_landing(tmp_path, "api_requests", DAY, [row("api_requests", 1, units="")])
    load_file(conn, get_source("api_requests"), path)
    assert count(conn, "select units from raw.api_requests") == 1


def test_reloading_the_same_file_changes_nothing(conn: psycopg.Connection, tmp_path: Path) -> None:
    source = get_source("product_events")
    path = write_landing(
        tmp_path,
        "product_events",
        DAY,
        [row("product_events", n) for n in range(5)] + [row("product_events", 9, occurred_at="bad")],
    )
    first = load_file(conn, source, path)
    loaded_at = conn.execute("select max(_loaded_at) from raw.product_events").fetchone()
    second = load_file(conn, source, path)

    assert not first.skipped and second.skipped
    assert count(conn, "select count(*) from raw.product_events") == 5
    assert count(conn, "select count(*) from raw.load_rejects") == 1
    assert count(conn, "select count(*) from raw.load_audit") == 1
    assert conn.execute("select max(_loaded_at) from raw.product_events").fetchone() == loaded_at


def test_a_redelivered_day_replaces_the_earlier_delivery(conn: psycopg.Connection, tmp_path: Path) -> None:
    source = get_source("api_requests")
    path = write_landing(
        tmp_path,
        "api_requests",
        DAY,
        [row("api_requests", n) for n in range(4)] + [row("api_requests", 8, units="-1")],
    )
    load_file(conn, source, path)
    write_landing(tmp_path, "api_requests", DAY, [row("api_requests", n, units="5") for n in range(2)])

    result = load_file(conn, source, path)

    assert result.replaced_delivery and (result.lines, result.loaded, result.rejected) == (2, 2, 0)
    assert conn.execute("select count(*), sum(units) from raw.api_requests").fetchone() == (2, 10)
    assert count(conn, "select count(*) from raw.load_rejects") == 0
    assert conn.execute("select lines, loaded from raw.load_audit").fetchall() == [(2, 2)]


def test_a_newer_updated_at_wins_and_an_older_one_is_ignored(conn: psycopg.Connection, tmp_path: Path) -> None:
    source = get_source("customers")
    signup = row("customers", 1)
    converted = row("customers", 1, converted_at="2026-03-03T08:00:00Z", updated_at="2026-03-03T08:00:00Z")
    stale = row("customers", 1, company_name="Stale Inc", updated_at="2026-02-01T00:00:00Z")
    load_file(conn, source, write_landing(tmp_path, "customers", date(2026, 3, 1), [signup]))
    load_file(conn, source, write_landing(tmp_path, "customers", date(2026, 3, 3), [converted]))
    load_file(conn, source, write_landing(tmp_path, "customers", date(2026, 3, 4), [stale]))

    name, converted_at, delivery = conn.execute(
        "select company_name, converted_at::text, _delivery_date from raw.customers"
    ).fetchone()  # type: ignore[misc]
    assert (name, converted_at, delivery) == ("Acme", "2026-03-03 08:00:00+00", date(2026, 3, 3))


def test_without_updated_at_the_newer_delivery_wins(conn: psycopg.Connection, tmp_path: Path) -> None:
    source = get_source("marketing_spend")
    load_file(
        conn,
        source,
        write_landing(tmp_path, "marketing_spend", date(2026, 3, 2), [row("marketing_spend", amount="10")]),
    )
    load_file(
        conn,
        source,
        write_landing(tmp_path, "marketing_spend", date(2026, 3, 5), [row("marketing_spend", amount="12.34")]),
    )
    load_file(
        conn,
        source,
        write_landing(tmp_path, "marketing_spend", date(2026, 3, 3), [row("marketing_spend", amount="99")]),
    )
    assert conn.execute("select amount::text from raw.marketing_spend").fetchall() == [("12.34",)]


def test_a_duplicate_key_within_a_file_keeps_the_last_line(conn: psycopg.Connection, tmp_path: Path) -> None:
    rows = [row("api_requests", 1, units="1"), row("api_requests", 1, units="7")]
    result = load_file(conn, get_source("api_requests"), write_landing(tmp_path, "api_requests", DAY, rows))
    assert (result.lines, result.loaded, result.rejected) == (2, 2, 0)
    assert conn.execute("select units, _source_line from raw.api_requests").fetchall() == [(7, 3)]


def test_late_rows_land_in_their_own_day(conn: psycopg.Connection, tmp_path: Path) -> None:
    late = row("product_events", 1, occurred_at="2026-02-27T23:59:00Z")
    on_time = row("product_events", 2, occurred_at="2026-03-01T00:01:00Z")
    load_file(conn, get_source("product_events"), write_landing(tmp_path, "product_events", DAY, [late, on_time]))
    days = conn.execute(
        "select (occurred_at at time zone 'UTC')::date, _delivery_date from raw.product_events order by event_id"
    ).fetchall()
    assert days == [(date(2026, 2, 27), DAY), (date(2026, 3, 1), DAY)]


def test_a_missing_required_column_rejects_the_whole_file(conn: psycopg.Connection, tmp_path: Path) -> None:
    header = [c for c in get_source("fx_rates").column_names if c != "usd_per_unit"]
    path = write_landing(tmp_path, "fx_rates", DAY, [row("fx_rates")], header=header)
    with pytest.raises(
        LandingError, match=r"fx_rates/2026-03-01\.csv, line 1: missing required column\(s\) usd_per_unit"
    ):
        load_file(conn, get_source("fx_rates"), path)
    assert conn.execute("select to_regclass('raw.load_audit')").fetchone() == (None,)


def test_extra_columns_and_any_column_order_are_accepted(conn: psycopg.Connection, tmp_path: Path) -> None:
    header = ["note", *reversed(get_source("fx_rates").column_names)]
    path = write_landing(tmp_path, "fx_rates", DAY, [{**row("fx_rates"), "note": "hi"}], header=header)
    result = load_file(conn, get_source("fx_rates"), path)
    assert result.extra_columns == ("note",) and result.loaded == 1
    assert conn.execute("select extra_columns from raw.load_audit").fetchone() == (["note"],)


def test_a_row_with_the_wrong_number_of_fields_is_rejected_with_its_line(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    path = write_landing(tmp_path, "support_tickets", DAY, [row("support_tickets", 1), row("support_tickets", 2)])
    with path.open("a") as handle:
        handle.write("T-broken,C1,2026-03-01T12:00:00Z,email\n")
    result = load_file(conn, get_source("support_tickets"), path)
    assert (result.lines, result.loaded, result.rejected) == (3, 2, 1)
    line, raw_line, reason = conn.execute("select line, raw_line, reason from raw.load_rejects").fetchone()  # type: ignore[misc]
    assert (line, raw_line) == (6, "T-broken,C1,2026-03-01T12:00:00Z,email")
    assert reason == "row: wrong number of fields: expected 15, got 4"


def test_bytes_that_are_not_utf8_reject_only_their_row(conn: psycopg.Connection, tmp_path: Path) -> None:
    path = write_landing(tmp_path, "fx_rates", DAY, [row("fx_rates")])
    with path.open("ab") as handle:
        handle.write(b"2026-03-01,GB\xff,1.2\n")
    result = load_file(conn, get_source("fx_rates"), path)
    assert (result.loaded, result.rejected) == (1, 1)
    assert conn.execute("select line, reason from raw.load_rejects").fetchone() == (3, "currency: not valid UTF-8")


def test_a_crash_mid_load_leaves_nothing_behind(conn: psycopg.Connection, tmp_path: Path) -> None:
    rows = [row("api_requests", n) for n in range(20000)]
    path = write_landing(tmp_path, "api_requests", DAY, rows, gz=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # the delivery was cut off halfway: reading fails mid-COPY
    with conn.transaction():
        ensure_raw_schema(conn)

    with pytest.raises(LandingError, match=r"api_requests/2026-03-01\.csv\.gz: cannot be read"):
        load_file(conn, get_source("api_requests"), path)

    assert count(conn, "select count(*) from raw.api_requests") == 0
    assert count(conn, "select count(*) from raw.load_audit") == 0
    assert count(conn, "select count(*) from raw.load_rejects") == 0


def test_gzip_files_load_like_plain_ones(conn: psycopg.Connection, tmp_path: Path) -> None:
    path = write_landing(tmp_path, "touchpoints", DAY, [row("touchpoints", n) for n in range(3)], gz=True)
    assert load_file(conn, get_source("touchpoints"), path).loaded == 3
    with gzip.open(path, "rt") as handle:
        assert handle.readline().startswith("touchpoint_id,")


def test_structural_checks_name_the_line_where_each_record_starts() -> None:
    lines = [b"a,b\n", b'1,"two\n', b'lines"\n', b"3\n", b"4,5,6\n", b"7,8\n"]
    reader = RecordReader(lines, ["a", "b"], free_text=[1])
    classified = [(record.line, record.reason) for record in reader]
    assert classified == [
        (2, None),
        (4, "row: wrong number of fields: expected 2, got 1"),
        (5, "row: wrong number of fields: expected 2, got 3"),
        (6, None),
    ]
    assert reader.physical_lines == 6


def test_the_schema_check_takes_no_lock_a_running_load_holds(database: ConnectionSettings) -> None:
    # `create index if not exists` took a share lock on every raw table: it waited for any running load
    # while holding the DDL lock, and deadlocked with a load that held raw.load_rejects.
    with psycopg.connect(database.url) as loading, psycopg.connect(database.url) as checking:
        with loading.transaction():
            ensure_raw_schema(loading)
        loading.execute(
            "insert into raw.load_rejects (source, delivery_date, file, line, reason) values ('x', now(), 'f', 1, 'r')"
        )
        loading.execute("delete from raw.customers")  # the load holds its table and the rejects
        checking.execute("set lock_timeout = '1s'")
        with checking.transaction():
            ensure_raw_schema(checking)
        loading.rollback()
