"""Closing months on small hand-made worlds: exactly-once invoices, the ledger's refusals, late usage.

Amounts are computed by hand from dbt_project/seeds/billing (starter: 19.00 a month, 200 units
included, 0.015 up to 1,000 units above them and 0.0125 beyond; growth_jp: 7,400 yen, 500 included,
volume 1.8 / 1.5 + 375 / 1.2 + 750).
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import psycopg
import pytest

from aias_dagster.billing.checks import customers_without_invoice, totals_off, units_gaps
from aias_dagster.billing.close import MonthNotClosableError, close_month, close_through, idempotency_key
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.billing.support import Req, Sub, deliver

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)

SUBS = [
    Sub("S1", "C1", "starter", "2026-01-15T10:00:00Z"),
    Sub("S2", "C2", "growth_jp", "2026-02-01T00:00:00Z"),
]
REQUESTS = [
    Req("R1", "C1", "2026-01-20T08:00:00Z", 150),
    Req("R2", "C1", "2026-01-31T23:59:59Z", 100),  # the month's last second is January's
    Req("R3", "C1", "2026-01-22T08:00:00Z", 1000, status=500),  # 5xx is not billed
    Req("R4", "C1", "2026-02-01T00:00:00Z", 1250),  # February's first instant
    Req("R5", "C2", "2026-02-10T12:00:00Z", 1600),
    Req("R6", "C3", "2026-01-10T12:00:00Z", 7),  # no subscription: unbillable, reported
    Req("R7", "C1", "2026-01-25T08:00:00Z", 40, status=404),
]


def ledger(settings: ConnectionSettings) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(settings.url) as conn:
        return {
            table: conn.execute(f"select * from billing.{table} order by 1, 2").fetchall()
            for table in ("closed_months", "invoices", "invoice_lines", "invoice_documents", "unbillable_usage")
        }


def close(settings: ConnectionSettings, month: date) -> list:
    with psycopg.connect(settings.url, autocommit=True) as conn:
        return close_through(conn, month)


@pytest.fixture
def world(billing_db: ConnectionSettings, tmp_path: Path) -> ConnectionSettings:
    deliver(billing_db, tmp_path / "landing", "2026-02-27", REQUESTS, SUBS)
    return billing_db


def test_closing_months_writes_every_invoice_once_and_a_second_run_changes_nothing(world: ConnectionSettings) -> None:
    results = close(world, FEB)
    assert [(r.month, r.closed, r.invoices) for r in results] == [(JAN, True, 1), (FEB, True, 2)]
    assert results[1].totals == {"USD": D("34.63"), "JPY": D("9425")}
    before = ledger(world)
    invoices = {r[0]: (r[1], r[2], r[3], r[4]) for r in before["invoices"]}
    assert invoices == {
        "INV-202601-C1-USD": ("C1", JAN, "USD", D("10.56")),
        "INV-202602-C1-USD": ("C1", FEB, "USD", D("34.63")),
        "INV-202602-C2-JPY": ("C2", FEB, "JPY", D("9425")),
    }
    lines = [(r[0], r[2], r[7], r[8], r[9]) for r in before["invoice_lines"]]
    assert lines == [
        ("INV-202601-C1-USD", "fee", 0, 16, D("9.81")),  # 19 x 16/31: Jan 16..31 at 00:00
        ("INV-202601-C1-USD", "usage", 250, 0, D("0.75")),  # 50 above the included 200 x 0.015
        ("INV-202602-C1-USD", "fee", 0, 28, D("19.00")),
        ("INV-202602-C1-USD", "usage", 1250, 0, D("15.63")),  # 15 + 50 x 0.0125 = 15.625, half up
        ("INV-202602-C2-JPY", "fee", 0, 28, D("7400")),
        ("INV-202602-C2-JPY", "usage", 1600, 0, D("2025")),  # 1100 x 1.5 + 375
    ]
    assert before["unbillable_usage"] == [(JAN, "C3", 1, 7)]
    documents = {r[0]: r for r in before["invoice_documents"]}
    doc = documents["INV-202602-C2-JPY"][2]
    assert doc["total"] == "9425" and doc["total_minor_units"] == 9425 and len(doc["lines"]) == 2
    assert documents["INV-202602-C1-USD"][2]["total_minor_units"] == 3463
    assert str(idempotency_key("INV-202602-C2-JPY")) == doc["idempotency_key"]
    assert '<td class="num">2025</td>' in documents["INV-202602-C2-JPY"][3]

    again = close(world, FEB)
    assert [r.closed for r in again] == [False, False]
    assert ledger(world) == before  # not a row, not a timestamp changed
    with psycopg.connect(world.url) as conn:
        assert units_gaps(conn) == [] and totals_off(conn) == [] and customers_without_invoice(conn) == []


def test_a_finalized_invoice_is_refused_any_change(world: ConnectionSettings) -> None:
    close(world, JAN)
    for statement in (
        "update billing.invoices set total = 0",
        "delete from billing.invoices",
        "update billing.invoice_lines set amount = amount + 1",
        "delete from billing.invoice_lines",
        "update billing.invoice_documents set html = ''",
        "truncate billing.invoice_lines cascade",
        "delete from billing.closed_months",
    ):
        with psycopg.connect(world.url) as conn, pytest.raises(psycopg.errors.IntegrityConstraintViolation) as caught:
            conn.execute(statement)
        assert "a finalized invoice never changes" in str(caught.value)
    assert ledger(world)["invoices"][0][4] == D("10.56")


def test_months_close_in_order_and_not_twice(world: ConnectionSettings) -> None:
    with psycopg.connect(world.url, autocommit=True) as conn:
        with pytest.raises(MonthNotClosableError, match="2026-01 is still open"):
            close_month(conn, FEB)
        assert close_month(conn, JAN).closed
        assert close_month(conn, FEB).closed
        with pytest.raises(MonthNotClosableError, match="before the last closed month"):
            close_month(conn, date(2025, 12, 1))
        with conn.transaction(), pytest.raises(RuntimeError, match="outside a transaction"):
            close_month(conn, MAR)


def test_late_usage_is_billed_on_the_next_invoice_as_an_adjustment_then_a_credit(
    world: ConnectionSettings, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    close(world, JAN)
    # January usage delivered after January closed: 800 more units (1050 in all, 850 above included).
    late = [Req("L1", "C1", "2026-01-30T10:00:00Z", 800)]
    deliver(world, landing, "2026-02-28", late)
    with psycopg.connect(world.url) as conn:
        assert [(g.month, g.gap) for g in units_gaps(conn)] == [(JAN, 800)]  # not billed yet: the check says so
    close(world, FEB)
    lines = [r for r in ledger(world)["invoice_lines"] if r[2] == "adjustment"]
    # 850 x 0.015 = 12.75, less the 0.75 invoiced: 12.00, on February's invoice, naming January
    assert [(r[0], r[3], r[7], r[9]) for r in lines] == [("INV-202602-C1-USD", JAN, 800, D("12.00"))]
    assert "2026-01" in lines[0][10]

    # A redelivery of that day without the request, and one usage-removing correction: a credit in March.
    deliver(world, landing, "2026-02-28", [Req("L2", "C1", "2026-01-30T10:00:00Z", 0, status=503)])
    close(world, MAR)
    adjustments = [(r[0], r[3], r[7], r[9]) for r in ledger(world)["invoice_lines"] if r[2] == "adjustment"]
    assert adjustments == [("INV-202602-C1-USD", JAN, 800, D("12.00")), ("INV-202603-C1-USD", JAN, -800, D("-12.00"))]
    with psycopg.connect(world.url) as conn:
        assert units_gaps(conn) == [] and totals_off(conn) == []


def test_reconciliation_fails_when_a_request_is_deleted_after_closing(world: ConnectionSettings) -> None:
    close(world, FEB)
    with psycopg.connect(world.url) as conn:
        conn.execute("delete from raw.api_requests where request_id = 'R5'")
        gaps = units_gaps(conn)
    assert [(g.month, g.raw_units, g.invoiced_units, g.adjusted_units) for g in gaps] == [(FEB, 1250, 2850, 0)]


def test_two_concurrent_closes_of_one_month_write_it_once(world: ConnectionSettings) -> None:
    close(world, JAN)
    results: list = []
    barrier = threading.Barrier(2)

    def run() -> None:
        with psycopg.connect(world.url, autocommit=True) as conn:
            barrier.wait()
            results.append(close_month(conn, FEB))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.closed for r in results) == [False, True]
    assert len([r for r in ledger(world)["invoices"] if r[2] == FEB]) == 2
