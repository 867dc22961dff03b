"""The billing page's shaping, on hand-made rows: monthly KPI sums, charts, invoice files, the empty state."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from typing import Any

import plotly.graph_objects as go

from aias_dagster.billing.page import PAGE, invoice_file, invoices_by_month, monthly_revenue, page_data
from aias_dagster.billing.queries import BillingRows
from aias_dagster.dashboards import charts
from aias_dagster.dashboards.render import Assets, render_page
from aias_dagster.platform.kpi import LoopKpi

ASSETS = Assets(css="assets/site.css", script="assets/site.js", plotly="assets/plotly.min.js")
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
KPI = LoopKpi("billing", FEB, "API revenue (USD)", D("700"), D(1000), "more_than", "usd", "red", None)
EMPTY_REPORT: dict[str, Any] = {
    "closed_months": [],
    "top_customers": [],
    "unbillable": [],
    "latest_reconciliation": None,
}


def revenue_row(month: date, plan: str, currency: str, revenue: str, usd: str, units: int) -> dict:
    return {
        "month_start": month,
        "plan_id": plan,
        "currency": currency,
        "customers": 2,
        "billable_units": units,
        "revenue": D(revenue),
        "usd_per_unit": D(usd) / D(revenue),
        "revenue_usd": D(usd),
        "revenue_growth": None,
        "usage_growth": None,
        "minor_units": 0 if currency == "JPY" else 2,
    }


def invoice(invoice_id: str, customer: str, month: date, currency: str, total: D, html: str, of: int = 2) -> dict:
    """A listed invoice; `of`: its month's count of invoices."""
    minor_units = 0 if currency == "JPY" else 2
    return {"invoice_id": invoice_id, "customer_id": customer, "month": month, "currency": currency,
            "total": total, "minor_units": minor_units, "html": html, "month_invoices": of}  # fmt: skip


def rows() -> BillingRows:
    revenue = [
        revenue_row(JAN, "starter", "USD", "400.00", "400.00", 1000),
        revenue_row(JAN, "tokyo", "JPY", "90000", "600.01", 500),
        revenue_row(FEB, "starter", "USD", "700.00", "700.00", 1500),
    ]
    usage = [
        {
            "month_start": m,
            "is_complete_month": True,
            "requests": 10,
            "billable_units": u,
            "requests_4xx": 1,
            "requests_5xx": 0,
        }
        for m, u in ((JAN, 1500), (FEB, 1600))
    ]
    report = {
        "closed_months": [JAN, FEB],
        "top_customers": [{"customer_id": "c1", "billable_units": 1500, "requests": 9}],
        "unbillable": [{"month": "2026-02", "customer_id": "c9", "requests": 3, "units": 7}],
        "latest_reconciliation": {
            "month": "2026-02",
            "raw_units": 1500,
            "invoiced_units": 1500,
            "adjusted_units": 0,
            "gaps": [],
            "totals_off": [],
            "customers_without_invoice": [],
        },
    }
    invoices = [
        invoice("inv-b", "c2", JAN, "USD", D(1), "<p>b"),
        invoice("inv-c", "c3", JAN, "JPY", D(9575), "<p>c"),
        invoice("inv-a", "c1", FEB, "USD", D("1679.95"), "<p>a", of=1),
    ]
    return BillingRows(date(2026, 2, 28), revenue, usage, report, invoices, KPI, {JAN: True, FEB: True})


def test_monthly_revenue_sums_every_plan_and_currency_in_usd_against_the_kpi() -> None:
    months = monthly_revenue(rows().revenue, KPI)
    assert [(m["month_start"], m["revenue_usd"], m["billable_units"], m["meets_kpi"]) for m in months] == [
        (JAN, D("1000.01"), 1500, True),  # more than 1,000 USD, by a cent
        (FEB, D("700.00"), 1500, False),
    ]


def test_every_invoice_gets_a_file_and_a_link_newest_month_first() -> None:
    data = page_data(rows())
    assert data.files == {
        "billing/invoices/inv-b.html": "<p>b",
        "billing/invoices/inv-c.html": "<p>c",
        "billing/invoices/inv-a.html": "<p>a",
    }
    grouped = invoices_by_month(rows().invoices)
    assert [(m, [i["file"] for i in invs]) for m, invs in grouped] == [
        (FEB, [invoice_file("inv-a")]),
        (JAN, [invoice_file("inv-b"), invoice_file("inv-c")]),
    ]
    html = render_page(PAGE, data, ASSETS)
    assert 'href="billing/invoices/inv-a.html"' in html and 'href="billing/invoices/inv-b.html"' in html
    assert "<p>a" not in html  # the document is its own file, not pasted into the page
    assert "<summary>February 2026: 1 invoice</summary>" in html
    assert "<summary>January 2026: 2 invoices</summary>" in html


def test_a_month_with_more_invoices_than_listed_says_how_many_it_has() -> None:
    # 16,936 invoices a month at 20,000 customers: the page lists the largest, the summary counts them all.
    many = [invoice("inv-z", "c9", FEB, "USD", D(5), "<p>z", of=16936)]
    html = render_page(PAGE, page_data(replace(rows(), invoices=many)), ASSETS)
    assert "<summary>February 2026: 16,936 invoices, the 1 largest listed</summary>" in html


def test_charts_are_valid_plotly_figures_with_a_mark_per_value() -> None:
    data = page_data(rows())
    revenue = data.chart("revenue-by-plan")
    assert revenue.marks() == 3  # starter Jan and Feb, tokyo Jan
    assert data.chart("usage-by-month").marks() == 6  # three series, two months
    for chart in data.charts:
        go.Figure({"data": chart.data, "layout": chart.layout})  # raises on anything Plotly does not know
    assert data.summary == "Feb 2026: API revenue $700 (below the KPI > 1,000.00 USD)"
    assert [s["y0"] for s in revenue.layout["shapes"]] == [1000.0]  # the scorecard's target


def test_the_usage_chart_marks_the_month_in_progress_the_usage_mart_flags() -> None:
    base = rows()
    march = {"month_start": MAR, "is_complete_month": False, "requests": 3, "billable_units": 90, "requests_4xx": 0}
    data = page_data(replace(base, usage=[*base.usage, march | {"requests_5xx": 0}]))  # the KPI mart: closed only
    chart = data.chart("usage-by-month")
    assert chart.monthly and "Mar 2026 (in progress)" in [a["text"] for a in chart.layout["annotations"]]
    assert chart.data[0]["marker"]["opacity"] == [1, 1, charts.IN_PROGRESS_OPACITY]


def test_the_revenue_table_shows_every_mart_row() -> None:
    html = render_page(PAGE, page_data(rows()), ASSETS)
    assert html.count('data-column="revenue_usd"') == 3
    assert 'data-plan="tokyo" data-currency="JPY"' in html
    assert "reconciles" in html and "c9" in html


def test_with_no_closed_month_the_page_says_so_and_draws_nothing() -> None:
    data = page_data(BillingRows(date(2026, 3, 31), [], [], EMPTY_REPORT, [], KPI))
    assert data.charts == () and data.files == {}
    assert data.summary == "No closed month yet."
    html = render_page(PAGE, data, ASSETS)
    assert 'id="no-closed-month"' in html and "revenue-table" not in html


def test_amounts_are_written_in_their_currency_with_separators_and_the_invoice_lists_start_closed() -> None:
    # The page was 23,000 px tall with the month's 933 invoices open, and wrote "1679.95 USD" and "9575 JPY".
    html = render_page(PAGE, page_data(rows()), ASSETS)
    assert 'data-invoice="inv-a">c1</a>: 1,679.95 USD<' in html
    assert 'data-invoice="inv-c">c3</a>: 9,575 JPY<' in html
    assert 'data-column="revenue" data-value="90000">90,000 JPY<' in html
    assert 'data-column="revenue" data-value="400.00">400.00 USD<' in html
    assert "<details" in html and "<details open" not in html and " open>" not in html
    assert "Money in USD unless a currency is named." in html and "Numbers in USD" not in html
