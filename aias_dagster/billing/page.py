"""The API billing dashboard: loop 4's page of the site, from queries.py's rows and charts.py's figures.

Revenue per month and plan is `marts.api_revenue_monthly` as it is (the table equals the mart); usage comes from
`marts.api_usage_daily`; top customers, unbillable usage and the latest closed month's reconciliation from the
ledger (`queries.ledger_data`, hence the page's `upstream`). Each closed month lists its count of invoices and
its largest (`queries.INVOICES_LISTED`), whose HTML documents are written into the site
(billing/invoices/<id>.html) and linked from the page: a page and a site that grow with the months, not the
customers. Every invoice stays in the ledger, for SQL. The target is the scorecard's (platform/kpi.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg

from aias_dagster.billing import charts
from aias_dagster.billing.queries import INVOICES_LISTED, BillingRows, Row, read_rows
from aias_dagster.dashboards.formatting import money, short_month
from aias_dagster.dashboards.page import Page, PageData
from aias_dagster.platform.kpi import LoopKpi

INVOICE_DIR = "billing/invoices"


def invoice_file(invoice_id: str) -> str:
    return f"{INVOICE_DIR}/{invoice_id}.html"


def monthly_revenue(revenue: Sequence[Row], kpi: LoopKpi | None) -> list[Row]:
    """Per month: USD revenue (the KPI's sum), billable units, and whether it meets the target in force."""
    usd: dict[date, Decimal] = defaultdict(Decimal)
    units: dict[date, int] = defaultdict(int)
    for r in revenue:
        usd[r["month_start"]] += r["revenue_usd"]
        units[r["month_start"]] += r["billable_units"]
    return [
        {
            "month_start": m,
            "revenue_usd": usd[m],
            "billable_units": units[m],
            "meets_kpi": kpi.meets(usd[m]) if kpi else None,
        }
        for m in sorted(usd)
    ]


def invoices_by_month(invoices: Sequence[Row]) -> list[tuple[date, list[Row]]]:
    """The listed invoices grouped by month, newest month first, each with the file its HTML is written to (and
    the month's count of invoices, `month_invoices`, as every row of the month carries it)."""
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


def summary_line(months: Sequence[Row], kpi: LoopKpi | None) -> str:
    if not months:
        return "No closed month yet."
    last = months[-1]
    judged = f" ({'meets' if last['meets_kpi'] else 'below'} the KPI {kpi.target_text})" if kpi else ""
    return f"{short_month(last['month_start'])}: API revenue {money(last['revenue_usd'])}{judged}"


def page_data(rows: BillingRows) -> PageData:
    """The page from the rows (pure: tested on hand-made rows)."""
    months = monthly_revenue(rows.revenue, rows.kpi)
    report = rows.report
    figures = (charts.revenue_chart(rows), charts.usage_chart(rows)) if rows.revenue else ()
    return PageData(
        as_of=rows.as_of,
        summary=summary_line(months, rows.kpi),
        context={
            "months": months,
            "revenue_rows": rows.revenue,
            "kpi": rows.kpi,
            "closed_months": report["closed_months"],
            "top_customers": report["top_customers"],
            "unbillable": report["unbillable"],
            "unbillable_units": sum(u["units"] for u in report["unbillable"]),
            "reconciliation": report["latest_reconciliation"],
            "reconciles": reconciles(report["latest_reconciliation"]),
            "invoice_months": invoices_by_month(rows.invoices),
            "invoices_listed": INVOICES_LISTED,
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
    marts=("api_revenue_monthly", "api_usage_daily", "api_usage_monthly", "billing_kpi_monthly", "loop_scorecard"),
    # The ledger, and the exchange rates its reconciliation converts with (queries.LEDGER_REVENUE_SQL).
    upstream=("billing/invoices", "billing/invoice_lines", "staging/stg_platform__fx_rates"),
    build=build,
    template=Path(__file__).with_name("templates") / "billing.html.j2",
    description="API revenue and usage per month and plan, growth, top customers, unbillable usage, "
    "the latest closed month's reconciliation and each closed month's largest invoices.",
)
