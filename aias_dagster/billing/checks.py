"""Reconciliation of every closed month, as asset checks on `billing/invoices`.

Three rules (docs/data_contract.md, API billing): the billable units in raw equal the units invoiced
plus the adjustments billed later; each invoice's total is the sum of its lines; every customer with
billable usage or a fee in a closed month has an invoice of that month. The queries and verdicts are
plain functions; the checks only wire them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import dagster as dg
import psycopg

from aias_dagster.billing import metering
from aias_dagster.billing.assets import INVOICES
from aias_dagster.billing.pricing import fee_days, overlaps
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import connect


@dataclass(frozen=True)
class UnitsGap:
    month: date
    raw_units: int
    invoiced_units: int
    adjusted_units: int

    @property
    def gap(self) -> int:
        return self.raw_units - self.invoiced_units - self.adjusted_units


def closed_months(conn: psycopg.Connection) -> list[date]:
    if conn.execute("select to_regclass('billing.closed_months')").fetchone() == (None,):
        return []
    return [row[0] for row in conn.execute("select month from billing.closed_months order by month")]


def units_by_month(
    conn: psycopg.Connection, months: list[date], usage: dict[tuple[str, date], metering.Usage] | None = None
) -> list[UnitsGap]:
    """Per closed month: raw billable units now, units on its own invoices, units adjusted on later ones.
    `usage`: the months' metering, when the caller has it already (metering is the costly part: it reads
    every request of the months)."""
    if not months:
        return []
    if usage is None:
        usage = metering.usage_between(conn, months[0], months[-1])
    lines = dict(
        ((period, kind), int(units))
        for period, kind, units in conn.execute(
            "select period_month, kind, sum(units) from billing.invoice_lines where kind <> 'fee' group by 1, 2"
        )
    )
    return [
        UnitsGap(
            month,
            sum(u.billable_units for (_, m), u in usage.items() if m == month),
            lines.get((month, "usage"), 0),
            lines.get((month, "adjustment"), 0),
        )
        for month in months
    ]


def units_gaps(conn: psycopg.Connection) -> list[UnitsGap]:
    return [g for g in units_by_month(conn, closed_months(conn)) if g.gap != 0]


def totals_off(conn: psycopg.Connection, month: date | None = None) -> list[tuple[str, str, str]]:
    """Invoices whose total is not the sum of their lines: (invoice, total, sum of lines); of `month` only
    when given."""
    if not closed_months(conn):
        return []
    rows = conn.execute(
        """
        select i.invoice_id, i.total, coalesce(sum(l.amount), 0)
        from billing.invoices as i
        left join billing.invoice_lines as l on i.invoice_id = l.invoice_id
        where %(month)s::date is null or i.month = %(month)s::date
        group by i.invoice_id, i.total
        having i.total <> coalesce(sum(l.amount), 0) or count(l.line_number) = 0
        """,
        {"month": month},
    )
    return [(r[0], str(r[1]), str(r[2])) for r in rows]


def customers_without_invoice(
    conn: psycopg.Connection,
    months: list[date] | None = None,
    usage: dict[tuple[str, date], metering.Usage] | None = None,
) -> list[tuple[date, str]]:
    """(month, customer) with billable usage or fee days in a closed month and no invoice of that month;
    `months`: some closed months only (every one by default), `usage`: their metering, if the caller has it."""
    months = closed_months(conn) if months is None else months
    if not months:
        return []
    if usage is None:
        usage = metering.usage_between(conn, months[0], months[-1])
    subs = metering.subscriptions(conn)
    invoiced = set(
        conn.execute("select month, customer_id from billing.invoices where month = any(%s)", (months,)).fetchall()
    )
    missing = []
    for month in months:
        owed = {c for (c, m), u in usage.items() if m == month and u.billable_units > 0}
        owed |= {c for c, s in subs.items() if fee_days([x for x in s if overlaps(x, month)], month)}
        missing += [(month, c) for c in sorted(owed) if (month, c) not in invoiced]
    return missing


def _verdict(problems: list, what: str, describe) -> dg.AssetCheckResult:  # type: ignore[no-untyped-def]
    return dg.AssetCheckResult(
        passed=not problems,
        description=f"{len(problems)} {what}" if problems else f"no {what}",
        metadata={"problems": dg.MetadataValue.md("\n".join(f"- {describe(p)}" for p in problems[:20]) or "none")},
    )


@dg.asset_check(asset=INVOICES, name="billable_units_reconcile", blocking=False)
def billable_units_reconcile(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Billable units in raw = units invoiced + adjustments billed later, for every closed month."""
    with connect(warehouse.settings()) as conn:
        gaps = units_gaps(conn)
    return _verdict(
        gaps,
        "closed months whose raw billable units differ from invoiced + adjusted",
        lambda g: f"{g.month:%Y-%m}: raw {g.raw_units}, invoiced {g.invoiced_units}, adjusted {g.adjusted_units}",
    )


@dg.asset_check(asset=INVOICES, name="invoice_totals_are_sums_of_lines", blocking=False)
def invoice_totals_are_sums_of_lines(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with connect(warehouse.settings()) as conn:
        off = totals_off(conn)
    return _verdict(off, "invoices whose total is not the sum of their lines", lambda r: f"{r[0]}: {r[1]} != {r[2]}")


@dg.asset_check(asset=INVOICES, name="every_billable_customer_has_an_invoice", blocking=False)
def every_billable_customer_has_an_invoice(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with connect(warehouse.settings()) as conn:
        missing = customers_without_invoice(conn)
    return _verdict(missing, "customer-months with usage or a fee but no invoice", lambda r: f"{r[0]:%Y-%m} {r[1]}")


BILLING_CHECKS = [billable_units_reconcile, invoice_totals_are_sums_of_lines, every_billable_customer_has_an_invoice]
