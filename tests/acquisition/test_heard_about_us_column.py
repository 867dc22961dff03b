"""customers.heard_about_us joined the contract after files were written: older files load as they did."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.landing import LandingError
from aias_dagster.ingest.loader import load_file
from aias_dagster.ingest.schema import ensure_raw_schema
from tests.ingest.files import row, write_landing

CUSTOMERS = get_source("customers")
BEFORE = [name for name in CUSTOMERS.column_names if name != "heard_about_us"]


def test_a_customers_file_without_heard_about_us_loads_with_the_answer_null(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    old = write_landing(tmp_path, "customers", date(2026, 3, 1), [row("customers", 1), row("customers", 2)], BEFORE)
    new = write_landing(
        tmp_path, "customers", date(2026, 3, 2), [row("customers", 3, heard_about_us="LinkedIn ad, I think")]
    )
    first, second = load_file(conn, CUSTOMERS, old), load_file(conn, CUSTOMERS, new)
    assert (first.loaded, first.rejected, second.loaded, second.rejected) == (2, 0, 1, 0)
    answers = dict(conn.execute("select customer_id, heard_about_us from raw.customers").fetchall())
    assert answers == {"C1-1": None, "C1-2": None, "C1-3": "LinkedIn ad, I think"}


def test_any_other_missing_column_still_fails_the_file(conn: psycopg.Connection, tmp_path: Path) -> None:
    header = [name for name in BEFORE if name != "segment"]
    path = write_landing(tmp_path, "customers", date(2026, 3, 1), [row("customers")], header)
    with pytest.raises(LandingError, match=r"missing required column\(s\) segment of source customers"):
        load_file(conn, CUSTOMERS, path)


def test_a_raw_table_from_before_the_column_gains_it(conn: psycopg.Connection, tmp_path: Path) -> None:
    ensure_raw_schema(conn)
    conn.execute("alter table raw.customers drop column heard_about_us")
    conn.execute("alter table raw.customers__history drop column heard_about_us")
    conn.commit()
    path = write_landing(tmp_path, "customers", date(2026, 3, 1), [row("customers", heard_about_us="a friend")])
    assert load_file(conn, CUSTOMERS, path).loaded == 1
    assert conn.execute("select heard_about_us from raw.customers").fetchall() == [("a friend",)]
