"""What the billing page and `aias demo` read, as rows: the billing marts and the billing ledger.

The ledger (billing.invoices, invoice_lines, ...) is read by `ledger_data`, right the moment a month closes,
before the next build refreshes the revenue mart; the page's own queries read the marts, and the target and
the month in progress come from the loop's KPI mart and the scorecard (platform/kpi.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row

from aias_dagster.billing import metering
from aias_dagster.billing.checks import closed_months, customers_without_invoice, totals_off, units_by_month
from aias_dagster.platform.kpi import LoopKpi, complete_months, loop_kpi

# From the ledger itself, like marts.api_revenue_monthly (the same rules, tested equal), so the report is
# right the moment a month closes, before the next build refreshes the mart.
LEDGER_REVENUE_SQL = """
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


def ledger_data(conn: psycopg.Connection, top: int = 10) -> dict[str, Any]:
    """What the billing ledger holds for the page and `aias demo`: revenue per closed month and plan with its
    growth, top customers, unbillable usage, the latest reconciliation and its invoices, as plain values."""
    months = closed_months(conn)
    plans: list[dict[str, Any]] = []
    previous: dict[tuple[str, str], dict[str, Any]] = {}
    for m, plan, cur, customers, units, revenue, rate in conn.execute(LEDGER_REVENUE_SQL) if months else []:
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
        month_rows.append({"month": month, **per_month[month], "revenue_growth": _growth(usd, last)})
        last = usd
    data: dict[str, Any] = {"months": month_rows, "plans": plans, "closed_months": months}
    if not months:
        return {
            **data,
            "top_customers": [],
            "unbillable": [],
            "latest_reconciliation": None,
            "invoices": [],
            "invoice_count": 0,
        }
    latest = months[-1]
    usage = metering.usage_between(conn, latest, latest)  # once: both the units and the customers need it
    gap = next(g for g in units_by_month(conn, [latest], usage))
    data["latest_reconciliation"] = {
        "month": f"{latest:%Y-%m}",
        "raw_units": gap.raw_units,
        "invoiced_units": gap.invoiced_units,
        "adjusted_units": gap.adjusted_units,
        "gaps": [] if gap.gap == 0 else [gap.gap],
        "totals_off": totals_off(conn, latest),
        "customers_without_invoice": [c for _, c in customers_without_invoice(conn, [latest], usage)],
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
    (data["invoice_count"],) = conn.execute(
        "select count(*) from billing.invoices where month = %s", (latest,)
    ).fetchone() or (0,)
    data["invoices"] = [  # the month's largest `top`, with their documents: a month holds one per customer
        {"invoice_id": i, "customer_id": c, "month": f"{m:%Y-%m}", "currency": cur, "total": t, "html": html}
        for i, c, m, cur, t, html in conn.execute(
            """
            select i.invoice_id, i.customer_id, i.month, i.currency, i.total, d.html
            from billing.invoices as i join billing.invoice_documents as d using (invoice_id)
            where i.month = %s order by i.total desc, i.invoice_id
            limit %s
            """,
            (latest, top),
        )
    ]
    return data


# Amounts in their own currency are shown to its minor unit (seeds.currencies: JPY 0, USD 2).
MART_REVENUE_SQL = """
select r.month_start, r.plan_id, r.currency, r.customers, r.billable_units, r.revenue, r.usd_per_unit,
    r.revenue_usd, r.revenue_growth, r.usage_growth, c.minor_units
from marts.api_revenue_monthly as r
left join seeds.currencies as c on r.currency = c.currency
order by r.month_start, r.plan_id, r.currency
"""

USAGE_SQL = """
select month_start, is_complete_month, requests, billable_units, requests_4xx, requests_5xx
from marts.api_usage_monthly
order by month_start
"""

AS_OF_SQL = "select max(date_day) from marts.api_usage_daily"

# The invoices each closed month lists on the page, with their documents. A month has an invoice per paying
# customer (16,936 at 20,000 customers): all of them made a page of 2 MB and a site of 18 MB of documents that
# grew with the customers; the ledger (billing.invoices) holds them all, for SQL.
INVOICES_LISTED = 50

# Each month's largest first in USD, at the month's rate the revenue mart uses (by the raw amount, 9575 JPY
# came above 581.58 USD), with the month's count of invoices beside them.
INVOICES_SQL = """
with month_rates as (
    select distinct month_start, currency, usd_per_unit
    from marts.api_revenue_monthly
),

ranked as (
    select
        i.invoice_id,
        i.customer_id,
        i.month,
        i.currency,
        i.total,
        count(*) over (partition by i.month) as month_invoices,
        row_number() over (
            partition by i.month order by i.total * r.usd_per_unit desc nulls last, i.invoice_id
        ) as rank_in_month
    from billing.invoices as i
    left join month_rates as r on i.month = r.month_start and i.currency = r.currency
)

select
    ranked.invoice_id, ranked.customer_id, ranked.month, ranked.currency, ranked.total, c.minor_units, d.html,
    ranked.month_invoices
from ranked
inner join billing.invoice_documents as d on ranked.invoice_id = d.invoice_id
left join seeds.currencies as c on ranked.currency = c.currency
where ranked.rank_in_month <= %(listed)s
order by ranked.month, ranked.rank_in_month
"""

Row = dict[str, Any]


@dataclass(frozen=True)
class BillingRows:
    """What the page reads, before any shaping."""

    as_of: date | None
    revenue: list[Row]  # marts.api_revenue_monthly, every row
    usage: list[Row]  # marts.api_usage_monthly
    report: dict[str, Any]  # ledger_data
    invoices: list[Row]  # each closed month's INVOICES_LISTED largest, with their documents and the month's count
    kpi: LoopKpi | None = None  # the scorecard's row: the target in force
    complete: dict[date, bool] = field(default_factory=dict)  # closed months -> complete (billing_kpi_monthly)


def read_rows(conn: psycopg.Connection) -> BillingRows:
    report = ledger_data(conn)
    with conn.cursor(row_factory=dict_row) as cur:
        (as_of,) = conn.execute(AS_OF_SQL).fetchone() or (None,)
        revenue = cur.execute(MART_REVENUE_SQL).fetchall()
        usage = cur.execute(USAGE_SQL).fetchall()
        invoices = cur.execute(INVOICES_SQL, {"listed": INVOICES_LISTED}).fetchall() if report["closed_months"] else []
    kpi, complete = loop_kpi(conn, "billing"), complete_months(conn, "billing")
    return BillingRows(as_of, revenue, usage, report, invoices, kpi, complete)
