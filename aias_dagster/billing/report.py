"""What the billing loop shows: revenue per closed month, as `aias demo` prints it, and the dashboard page's data.

`billing_page_data` is everything the dashboard's billing page needs as plain values (months, plans,
growth, top customers, unbillable usage, the latest reconciliation, links to each invoice's HTML), so
the page is a template over it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg

from aias_dagster.billing.checks import closed_months, customers_without_invoice, totals_off, units_by_month

KPI_USD = Decimal(1000)

# From the ledger itself, like marts.api_revenue_monthly (the same rules, tested equal), so the report is
# right the moment a month closes, before the next build refreshes the mart.
REVENUE_SQL = """
with lines as (
    select i.month, l.plan_id, i.currency, i.customer_id, l.kind, l.units, l.amount
    from billing.invoice_lines as l
    inner join billing.invoices as i on l.invoice_id = i.invoice_id
),
rates as (
    select distinct on (currency, date_trunc('month', rate_date))
        date_trunc('month', rate_date)::date as month, currency, usd_per_unit
    from staging.stg_platform__fx_rates
    order by currency, date_trunc('month', rate_date), rate_date desc
)
select
    lines.month,
    lines.plan_id,
    lines.currency,
    count(distinct lines.customer_id),
    coalesce(sum(lines.units) filter (where lines.kind = 'usage'), 0),
    sum(lines.amount),
    case when lines.currency = 'USD' then 1 else max(rates.usd_per_unit) end
from lines
left join rates on lines.month = rates.month and lines.currency = rates.currency
group by lines.month, lines.plan_id, lines.currency
order by lines.month, lines.plan_id, lines.currency
"""

TOP_CUSTOMERS_SQL = """
select customer_id, sum(billable_units) as units, sum(requests) as requests
from marts.api_usage_daily
where date_day >= %(month)s and date_day < %(month)s + interval '1 month'
group by customer_id
order by units desc, customer_id
limit %(limit)s
"""


def _exists(conn: psycopg.Connection, relation: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", (relation,)).fetchone() == (True,)


def _growth(value: Decimal | None, before: Decimal | None) -> Decimal | None:
    """value / before - 1 to four places; None for a first month or a zero before."""
    if value is None or not before:
        return None
    return (value / before - 1).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def billing_page_data(conn: psycopg.Connection, top: int = 10) -> dict[str, Any]:
    months = closed_months(conn)
    plans: list[dict[str, Any]] = []
    previous: dict[tuple[str, str], dict[str, Any]] = {}
    for m, plan, cur, customers, units, revenue, rate in conn.execute(REVENUE_SQL) if months else []:
        usd = None if rate is None else (revenue * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        before = previous.get((plan, cur))
        row = {
            "month": f"{m:%Y-%m}",
            "plan_id": plan,
            "currency": cur,
            "customers": customers,
            "billable_units": int(units),
            "revenue": revenue,
            "revenue_usd": usd,
            "revenue_growth": _growth(usd, before["revenue_usd"] if before else None),
            "usage_growth": _growth(Decimal(int(units)), Decimal(before["billable_units"]) if before else None),
        }
        plans.append(row)
        previous[(plan, cur)] = row
    per_month: dict[str, dict[str, Any]] = defaultdict(lambda: {"revenue_usd": Decimal(0), "billable_units": 0})
    for row in plans:
        per_month[row["month"]]["revenue_usd"] += row["revenue_usd"] or Decimal(0)
        per_month[row["month"]]["billable_units"] += row["billable_units"]
    month_rows, last = [], None
    for month in sorted(per_month):
        usd = per_month[month]["revenue_usd"]
        month_rows.append(
            {"month": month, **per_month[month], "revenue_growth": _growth(usd, last), "meets_kpi": usd > KPI_USD}
        )
        last = usd
    data: dict[str, Any] = {"kpi_usd": KPI_USD, "months": month_rows, "plans": plans, "closed_months": months}
    if not months:
        return {**data, "top_customers": [], "unbillable": [], "latest_reconciliation": None, "invoices": []}
    latest = months[-1]
    gap = next(g for g in units_by_month(conn, [latest]))
    data["latest_reconciliation"] = {
        "month": f"{latest:%Y-%m}",
        "raw_units": gap.raw_units,
        "invoiced_units": gap.invoiced_units,
        "adjusted_units": gap.adjusted_units,
        "gaps": [] if gap.gap == 0 else [gap.gap],
        "totals_off": totals_off(conn),
        "customers_without_invoice": [c for m, c in customers_without_invoice(conn) if m == latest],
    }
    data["top_customers"] = (
        [
            {"customer_id": c, "billable_units": int(u), "requests": int(r)}
            for c, u, r in conn.execute(TOP_CUSTOMERS_SQL, {"month": latest, "limit": top})
        ]
        if _exists(conn, "marts.api_usage_daily")
        else []
    )
    data["unbillable"] = [
        {"month": f"{m:%Y-%m}", "customer_id": c, "requests": r, "units": u}
        for m, c, r, u in conn.execute(
            "select month, customer_id, requests, units from billing.unbillable_usage order by month, units desc"
        )
    ]
    data["invoices"] = [
        {"invoice_id": i, "customer_id": c, "month": f"{m:%Y-%m}", "currency": cur, "total": t, "html": html}
        for i, c, m, cur, t, html in conn.execute(
            """
            select i.invoice_id, i.customer_id, i.month, i.currency, i.total, d.html
            from billing.invoices as i join billing.invoice_documents as d using (invoice_id)
            where i.month = %s order by i.total desc, i.invoice_id
            """,
            (latest,),
        )
    ]
    return data


def report(conn: psycopg.Connection) -> str:
    data = billing_page_data(conn, top=3)
    if not data["closed_months"]:
        return "  no month closed yet (aias run billing --month YYYY-MM)"
    lines = [f"  {'month':<9}{'revenue USD':>14}{'growth':>9}{'units':>12}  by currency"]
    by_currency: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in data["plans"]:
        by_currency[row["month"]][row["currency"]] += row["revenue"]
    for m in data["months"]:
        growth = "-" if m["revenue_growth"] is None else f"{m['revenue_growth']:+.1%}"
        currencies = ", ".join(f"{c} {v:,}" for c, v in sorted(by_currency[m["month"]].items()))
        kpi = "" if m["meets_kpi"] else "  (below the 1,000 USD KPI)"
        lines.append(
            f"  {m['month']:<9}{m['revenue_usd']:>14,.2f}{growth:>9}{m['billable_units']:>12,}  {currencies}{kpi}"
        )
    rec = data["latest_reconciliation"]
    status = (
        "reconciles"
        if not (rec["gaps"] or rec["totals_off"] or rec["customers_without_invoice"])
        else "DOES NOT reconcile"
    )
    lines.append(
        f"  {rec['month']} {status}: {rec['raw_units']:,} billable units in raw = {rec['invoiced_units']:,} invoiced"
        f" + {rec['adjusted_units']:,} adjusted later; {len(data['invoices'])} invoices"
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
