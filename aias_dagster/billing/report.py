"""What the billing loop shows in `aias demo`: revenue per closed month, from the ledger (queries.ledger_data)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import psycopg

from aias_dagster.billing.checks import closed_months
from aias_dagster.billing.queries import ledger_data
from aias_dagster.platform.kpi import loop_kpi


def report(conn: psycopg.Connection) -> str:
    data = ledger_data(conn, top=3)
    if not data["closed_months"]:
        return "  no month closed yet (aias run billing --month YYYY-MM)"
    kpi = loop_kpi(conn, "billing")  # the target in force, as the scorecard holds it; None before it is built
    lines = [f"  {'month':<9}{'revenue USD':>14}{'growth':>9}{'units':>12}  by currency"]
    by_currency: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in data["plans"]:
        by_currency[row["month"]][row["currency"]] += row["revenue"]
    for m in data["months"]:
        growth = "-" if m["revenue_growth"] is None else f"{m['revenue_growth']:+.1%}"
        currencies = ", ".join(f"{c} {v:,}" for c, v in sorted(by_currency[m["month"]].items()))
        below = f"  (below the KPI {kpi.target_text})" if kpi and not kpi.meets(m["revenue_usd"]) else ""
        lines.append(
            f"  {m['month']:<9}{m['revenue_usd']:>14,.2f}{growth:>9}{m['billable_units']:>12,}  {currencies}{below}"
        )
    rec = data["latest_reconciliation"]
    status = (
        "reconciles"
        if not (rec["gaps"] or rec["totals_off"] or rec["customers_without_invoice"])
        else "DOES NOT reconcile"
    )
    lines.append(
        f"  {rec['month']} {status}: {rec['raw_units']:,} billable units in raw = {rec['invoiced_units']:,} invoiced"
        f" + {rec['adjusted_units']:,} adjusted later; {data['invoice_count']:,} invoices"
    )
    unbillable = sum(u["units"] for u in data["unbillable"])
    lines.append(f"  unbillable usage (no subscription): {unbillable:,} units")
    return "\n".join(lines)


def invoice_page(conn: psycopg.Connection, invoice_id: str) -> str | None:
    """One invoice's HTML from the outbox (for the dashboard's link to it), or None if there is no such invoice."""
    if not closed_months(conn):
        return None
    row = conn.execute("select html from billing.invoice_documents where invoice_id = %s", (invoice_id,)).fetchone()
    return None if row is None else row[0]
