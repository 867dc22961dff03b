"""The API billing dashboard: loop 4's page of the site, from the billing marts and the billing ledger.

Revenue per month and plan comes from `marts.api_revenue_monthly` as it is (the table equals the mart);
usage from `marts.api_usage_daily`; top customers, unbillable usage and the latest closed month's
reconciliation from `report.billing_page_data`, which reads the ledger (`billing/invoices`, hence the
page's `upstream`). Each invoice's HTML document is written into the site (billing/invoices/<id>.html)
and linked from the page. The query is `read_rows`; the rest are pure functions of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from aias_dagster.billing.report import KPI_USD, billing_page_data
from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import count, money, short_month
from aias_dagster.dashboards.page import Chart, Page, PageData

INVOICE_DIR = "billing/invoices"

# Amounts in their own currency are shown to its minor unit (seeds.currencies: JPY 0, USD 2).
REVENUE_SQL = """
select r.month_start, r.plan_id, r.currency, r.customers, r.billable_units, r.revenue, r.usd_per_unit,
    r.revenue_usd, r.revenue_growth, r.usage_growth, c.minor_units
from marts.api_revenue_monthly as r
left join seeds.currencies as c on r.currency = c.currency
order by r.month_start, r.plan_id, r.currency
"""

USAGE_SQL = """
select date_trunc('month', date_day)::date as month_start, sum(requests) as requests,
    sum(billable_units) as billable_units, sum(requests_4xx) as requests_4xx, sum(requests_5xx) as requests_5xx
from marts.api_usage_daily
group by 1
order by 1
"""

AS_OF_SQL = "select max(date_day) from marts.api_usage_daily"

# Largest first in USD, at the month's rate the revenue mart uses: by the raw amount, 9575 JPY came above 581.58 USD.
INVOICES_SQL = """
with month_rates as (
    select distinct month_start, currency, usd_per_unit
    from marts.api_revenue_monthly
)

select i.invoice_id, i.customer_id, i.month, i.currency, i.total, c.minor_units, d.html
from billing.invoices as i
inner join billing.invoice_documents as d on i.invoice_id = d.invoice_id
left join month_rates as r on i.month = r.month_start and i.currency = r.currency
left join seeds.currencies as c on i.currency = c.currency
order by i.month, i.total * r.usd_per_unit desc nulls last, i.invoice_id
"""

Row = dict[str, Any]


@dataclass(frozen=True)
class BillingRows:
    """What the page reads, before any shaping."""

    as_of: date | None
    revenue: list[Row]  # marts.api_revenue_monthly, every row
    usage: list[Row]  # marts.api_usage_daily per month
    report: dict[str, Any]  # report.billing_page_data
    invoices: list[Row]  # every invoice with its HTML document


def read_rows(conn: psycopg.Connection) -> BillingRows:
    report = billing_page_data(conn)
    with conn.cursor(row_factory=dict_row) as cur:
        (as_of,) = conn.execute(AS_OF_SQL).fetchone() or (None,)
        revenue = cur.execute(REVENUE_SQL).fetchall()
        usage = cur.execute(USAGE_SQL).fetchall()
        invoices = cur.execute(INVOICES_SQL).fetchall() if report["closed_months"] else []
    return BillingRows(as_of, revenue, usage, report, invoices)


def invoice_file(invoice_id: str) -> str:
    return f"{INVOICE_DIR}/{invoice_id}.html"


def monthly_revenue(revenue: Sequence[Row]) -> list[Row]:
    """Per month: USD revenue (the KPI's sum), billable units, and whether it meets the KPI."""
    usd: dict[date, Decimal] = defaultdict(Decimal)
    units: dict[date, int] = defaultdict(int)
    for r in revenue:
        usd[r["month_start"]] += r["revenue_usd"]
        units[r["month_start"]] += r["billable_units"]
    return [
        {"month_start": m, "revenue_usd": usd[m], "billable_units": units[m], "meets_kpi": usd[m] > KPI_USD}
        for m in sorted(usd)
    ]


def invoices_by_month(invoices: Sequence[Row]) -> list[tuple[date, list[Row]]]:
    """Invoices grouped by month, newest month first, each with the file its HTML is written to."""
    grouped: dict[date, list[Row]] = defaultdict(list)
    for r in invoices:
        listed = {k: v for k, v in r.items() if k != "html"}
        grouped[r["month"]].append({**listed, "file": invoice_file(r["invoice_id"])})
    return [(m, grouped[m]) for m in sorted(grouped, reverse=True)]


def invoice_files(invoices: Sequence[Row]) -> dict[str, str]:
    return {invoice_file(r["invoice_id"]): r["html"] for r in invoices}


def reconciles(rec: Row | None) -> bool | None:
    if rec is None:
        return None
    return not (rec["gaps"] or rec["totals_off"] or rec["customers_without_invoice"])


def revenue_chart(revenue: Sequence[Row]) -> Chart:
    months = sorted({r["month_start"] for r in revenue})
    labels = [m.isoformat() for m in months]
    plans = sorted({r["plan_id"] for r in revenue})
    colour_of = charts.colours(plans)
    data = []
    for plan in plans:
        by_month: dict[date, Decimal] = defaultdict(Decimal)
        for r in revenue:
            if r["plan_id"] == plan:
                by_month[r["month_start"]] += r["revenue_usd"]
        values = [by_month.get(m) for m in months]
        data.append(charts.bar(plan, labels, values, [money(v, 2) for v in values], colour_of[plan]))
    shape, note = charts.target_line(float(KPI_USD), f"KPI {money(KPI_USD)}")
    return Chart(
        id="revenue-by-plan",
        title="API revenue per month and plan (USD)",
        data=data,
        layout=charts.layout(
            charts.axis("Month", "%b %Y", type="date", dtick="M1"),
            charts.axis("Revenue (USD)", "$,.0f"),
            barmode="stack",
            shapes=[shape],
            annotations=[note],
        ),
        note="Invoiced revenue of closed months, each currency at its month's last rate; the dashed line is the KPI.",
    )


def usage_chart(usage: Sequence[Row]) -> Chart:
    labels = [r["month_start"].isoformat() for r in usage]
    series = (
        ("Billable units", "billable_units", charts.PALETTE[0]),
        ("4xx requests (not billed)", "requests_4xx", charts.PALETTE[1]),
        ("5xx requests (not billed)", "requests_5xx", charts.PALETTE[2]),
    )
    data = [
        charts.line(name, labels, [r[key] for r in usage], [count(r[key]) for r in usage], colour)
        for name, key, colour in series
    ]
    return Chart(
        id="usage-by-month",
        title="API usage per month",
        data=data,
        layout=charts.layout(charts.axis("Month", "%b %Y", type="date", dtick="M1"), charts.axis("Units or requests")),
        note="From every request raw holds now, billed or not; a month in progress is partial.",
    )


def summary_line(months: Sequence[Row]) -> str:
    if not months:
        return "No closed month yet."
    last = months[-1]
    kpi = "meets" if last["meets_kpi"] else "below"
    return (
        f"{short_month(last['month_start'])}: API revenue {money(last['revenue_usd'])} ({kpi} the {money(KPI_USD)} KPI)"
    )


def page_data(rows: BillingRows) -> PageData:
    """The page from the rows (pure: tested on hand-made rows)."""
    months = monthly_revenue(rows.revenue)
    report = rows.report
    figures = (revenue_chart(rows.revenue), usage_chart(rows.usage)) if rows.revenue else ()
    return PageData(
        as_of=rows.as_of,
        summary=summary_line(months),
        context={
            "months": months,
            "revenue_rows": rows.revenue,
            "kpi_usd": KPI_USD,
            "closed_months": report["closed_months"],
            "top_customers": report["top_customers"],
            "unbillable": report["unbillable"],
            "unbillable_units": sum(u["units"] for u in report["unbillable"]),
            "reconciliation": report["latest_reconciliation"],
            "reconciles": reconciles(report["latest_reconciliation"]),
            "invoice_months": invoices_by_month(rows.invoices),
        },
        charts=figures,
        files=invoice_files(rows.invoices),
    )


def build(conn: psycopg.Connection) -> PageData:
    return page_data(read_rows(conn))


PAGE = Page(
    name="billing",
    title="API billing: metering and invoices",
    group="billing",
    marts=("api_revenue_monthly", "api_usage_daily"),
    upstream=("billing/invoices", "billing/invoice_lines"),
    build=build,
    template=Path(__file__).with_name("templates") / "billing.html.j2",
    description="API revenue and usage per month and plan, growth, top customers, unbillable usage, "
    "the latest closed month's reconciliation and every invoice.",
)
