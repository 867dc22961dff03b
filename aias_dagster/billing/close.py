"""Closing a month: every invoice of the month, exactly once, in one transaction.

The close takes one advisory lock (concurrent closes wait, then find the month closed and write
nothing), writes the month's invoices, lines, documents and unbillable usage, and marks the month
closed last. A crash anywhere before the commit leaves nothing of the month; a second run finds a
closed month and changes nothing. Months close in order, so late usage of a closed month always
lands on a later invoice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import psycopg
from psycopg.types.json import Jsonb

from aias_dagster.billing import metering
from aias_dagster.billing.invoice import Invoice
from aias_dagster.billing.ledger import CLOSE_LOCK, ensure_ledger
from aias_dagster.billing.outbox import invoice_document, invoice_html
from aias_dagster.billing.plans import Catalog, catalog_from_warehouse
from aias_dagster.billing.pricing import (
    USAGE,
    Line,
    Subscription,
    adjustment_line,
    midnight,
    month_lines,
    next_month,
    overlaps,
    usage_subscription,
    version_in_force,
)

GRACE_DAYS_DEFAULT = 2
INVOICE_NAMESPACE = uuid.UUID("6f1c2a8e-4d1b-5c8e-9a57-3b1f0c2d9e44")  # idempotency keys are uuid5 in it


class MonthNotClosableError(RuntimeError):
    """The month cannot close yet: its grace period runs, or an earlier month is still open."""


def invoice_id(customer_id: str, month: date, currency: str) -> str:
    """Deterministic: the same customer, month and currency always give the same invoice."""
    return f"INV-{month:%Y%m}-{customer_id}-{currency}"


def idempotency_key(invoice: str) -> uuid.UUID:
    """The key the payment provider deduplicates on: a retry of the outbox never charges twice."""
    return uuid.uuid5(INVOICE_NAMESPACE, invoice)


def closable_at(month: date, grace_days: int = GRACE_DAYS_DEFAULT) -> datetime:
    """The first instant the month may close: its end plus the grace period for late deliveries."""
    return midnight(next_month(month)) + timedelta(days=grace_days)


def closable_months(first: date | None, now: datetime, grace_days: int = GRACE_DAYS_DEFAULT) -> list[date]:
    """Every month from `first` whose grace period has ended by `now`."""
    months: list[date] = []
    month = first
    while month is not None and closable_at(month, grace_days) <= now:
        months.append(month)
        month = next_month(month)
    return months


@dataclass(frozen=True)
class CloseResult:
    month: date
    closed: bool  # False: it was already closed, nothing written
    invoices: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    adjustments: int = 0
    unbillable_units: int = 0


def plan_invoices(
    month: date,
    subs: dict[str, list[Subscription]],
    usage: dict[tuple[str, date], metering.Usage],
    catalog: Catalog,
    invoiced: dict[tuple[str, date], tuple[str, int, str, int, Decimal]],
) -> tuple[list[Invoice], int]:
    """The month's invoices (pure): fee and usage lines, then adjustments for earlier closed months.

    `invoiced` is, per (customer, closed month), what its usage was billed under so far: plan id,
    version, currency, units and amount (usage line plus earlier adjustments).
    """
    invoices: dict[tuple[str, str], Invoice] = {}

    def add(customer: str, line: Line) -> None:
        key = (customer, line.currency)
        if key not in invoices:
            invoices[key] = Invoice(invoice_id(customer, month, line.currency), customer, month, line.currency)
        invoices[key].lines.append(line)

    customers = {c for c, s in subs.items() if any(overlaps(x, month) for x in s)}
    customers |= {c for (c, m), u in usage.items() if m == month and u.billable_units > 0}
    for customer in sorted(customers):
        own = [s for s in subs.get(customer, []) if overlaps(s, month)]
        found = usage.get((customer, month))
        for line in month_lines(
            own, month, found.billable_units if found else 0, catalog.versions, catalog.minor_units
        ):
            add(customer, line)

    adjustments = 0
    earlier = {key for key in usage if key[1] < month} | set(invoiced)
    for customer, closed in sorted(k for k in earlier if k[1] < month):
        now_units = usage[(customer, closed)].billable_units if (customer, closed) in usage else 0
        if (customer, closed) in invoiced:
            plan_id, version, _, units, amount = invoiced[(customer, closed)]
            plan = next(v for v in catalog.versions if (v.plan_id, v.version) == (plan_id, version))
        else:
            sub = usage_subscription(subs.get(customer, []), closed)
            if sub is None or now_units == 0:
                continue  # usage outside any subscription stays unbillable
            end = min(midnight(next_month(closed)), sub.ended_at or midnight(next_month(closed)))
            plan = version_in_force(catalog.versions, sub.plan_id, (end - timedelta(microseconds=1)).date())
            units, amount = 0, Decimal(0)
        line = adjustment_line(plan, closed, now_units, units, amount, catalog.minor_units)
        if line is not None:
            add(customer, line)
            adjustments += 1
    return sorted(invoices.values(), key=lambda i: i.invoice_id), adjustments


INVOICED_SQL = """
select i.customer_id, l.period_month, l.plan_id, l.plan_version, i.currency, sum(l.units), sum(l.amount)
from billing.invoice_lines as l
inner join billing.invoices as i on l.invoice_id = i.invoice_id
where l.kind in ('usage', 'adjustment')
group by i.customer_id, l.period_month, l.plan_id, l.plan_version, i.currency
"""


def invoiced_usage(conn: psycopg.Connection) -> dict[tuple[str, date], tuple[str, int, str, int, Decimal]]:
    out: dict[tuple[str, date], tuple[str, int, str, int, Decimal]] = {}
    for customer, period, plan_id, version, currency, units, amount in conn.execute(INVOICED_SQL):
        out[(customer, period)] = (plan_id, version, currency, int(units), amount)
    return out


def _require_no_transaction(conn: psycopg.Connection) -> None:
    """Inside a caller's transaction each month would only be a savepoint, committed (or lost) together."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise RuntimeError("closing a month needs a connection outside a transaction (autocommit=True)")


def close_month(conn: psycopg.Connection, month: date) -> CloseResult:
    """Close one month in one transaction; a month already closed is left as it is."""
    month = month.replace(day=1)
    _require_no_transaction(conn)
    ensure_ledger(conn)
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (CLOSE_LOCK,))
        if conn.execute("select 1 from billing.closed_months where month = %s", (month,)).fetchone():
            return CloseResult(month, closed=False)
        later = conn.execute("select max(month) from billing.closed_months").fetchone()
        if later and later[0] is not None and later[0] > month:
            raise MonthNotClosableError(f"{month:%Y-%m} is before the last closed month {later[0]:%Y-%m}")
        first = metering.first_activity_month(conn) or month
        if first < month:
            previous = date(month.year, month.month, 1) - timedelta(days=1)
            closed_previous = conn.execute(
                "select 1 from billing.closed_months where month = %s", (previous.replace(day=1),)
            ).fetchone()
            if not closed_previous:
                raise MonthNotClosableError(
                    f"{previous:%Y-%m} is still open: months close in order (aias run billing closes the missed ones)"
                )
        catalog = catalog_from_warehouse(conn)
        usage = metering.usage_between(conn, min(first, month), month)
        invoices, adjustments = plan_invoices(month, metering.subscriptions(conn), usage, catalog, invoiced_usage(conn))
        here = [u for (c, m), u in usage.items() if m == month]
        unbillable = [u for u in here if u.unbillable_requests > 0]
        _write_invoices(conn, invoices)
        with conn.cursor() as cur:
            cur.executemany(
                "insert into billing.unbillable_usage (month, customer_id, requests, units) values (%s, %s, %s, %s)",
                [(month, u.customer_id, u.unbillable_requests, u.unbillable_units) for u in unbillable],
            )
        # Last: the month is closed only when everything of it is written (the FKs to it are deferred).
        conn.execute(
            """
            insert into billing.closed_months (month, invoices, billable_units, invoiced_units, adjusted_units,
                                               unbillable_units, unbillable_requests)
            values (%s, %s, %s, %s, %s, %s, %s)
            """,
            (
                month,
                len(invoices),
                sum(u.billable_units for u in here),
                sum(x.units for i in invoices for x in i.lines if x.kind == USAGE),
                sum(x.units for i in invoices for x in i.lines if x.kind != USAGE),
                sum(u.unbillable_units for u in here),
                sum(u.unbillable_requests for u in here),
            ),
        )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        totals[invoice.currency] += invoice.total
    return CloseResult(month, True, len(invoices), dict(totals), adjustments, sum(u.unbillable_units for u in here))


def _write_invoices(conn: psycopg.Connection, invoices: list[Invoice]) -> None:
    finalized_at = datetime.now(UTC)
    with conn.cursor() as cur:
        cur.executemany(
            """
            insert into billing.invoices
                (invoice_id, customer_id, month, currency, total, idempotency_key, finalized_at)
            values (%s, %s, %s, %s, %s, %s, %s)
            """,
            [
                (i.invoice_id, i.customer_id, i.month, i.currency, i.total, idempotency_key(i.invoice_id), finalized_at)
                for i in invoices
            ],
        )
        cur.executemany(
            """
            insert into billing.invoice_lines (invoice_id, line_number, kind, period_month, plan_id, plan_version,
                                               subscription_id, units, days, amount, description)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            """,
            [
                (i.invoice_id, n, x.kind, x.month, x.plan_id, x.plan_version, x.subscription_id, x.units, x.days,
                 x.amount, x.description)
                for i in invoices
                for n, x in enumerate(i.lines, start=1)
            ],
        )  # fmt: skip
        cur.executemany(
            """
            insert into billing.invoice_documents (invoice_id, idempotency_key, document, html)
            values (%s, %s, %s, %s)
            """,
            [
                (
                    i.invoice_id,
                    idempotency_key(i.invoice_id),
                    Jsonb(invoice_document(i, idempotency_key(i.invoice_id), finalized_at)),
                    invoice_html(i, idempotency_key(i.invoice_id), finalized_at),
                )
                for i in invoices
            ],
        )


def close_through(conn: psycopg.Connection, month: date) -> list[CloseResult]:
    """Close every open month up to `month`, oldest first, each in its own transaction (the catch-up)."""
    _require_no_transaction(conn)
    ensure_ledger(conn)
    with conn.transaction():
        first = metering.first_activity_month(conn) or month.replace(day=1)
    results = []
    current = min(first, month.replace(day=1))
    while current <= month:
        results.append(close_month(conn, current))
        current = next_month(current)
    return results
