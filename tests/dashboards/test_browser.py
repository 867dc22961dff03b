"""The CAC page of the demo world in headless Chromium, from file:// and from a static HTTP server.

Every request the page makes is observed and anything outside the site is blocked: the page must load
with no console error, no failed or blocked request, every chart drawn with as many marks as its data
has, and the CAC table showing exactly what `marts.cac_monthly` holds for the month.
The reliability page is held to the same, and its top-groups table to `marts.error_groups`; the support,
billing and product pages to their marts likewise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aias_dagster.billing.queries import INVOICES_LISTED
from aias_dagster.dashboards.site import write_if_changed
from aias_dagster.platform.kpi import STATUS_WORDS
from tests.conftest import REPO_ROOT, BuiltWorld
from tests.dbt.support import query

pytestmark = pytest.mark.slow

SCREENSHOT = REPO_ROOT / "docs" / "dashboard-cac.png"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The demo world ends 2026-03-31; six hours after that day ended its data is fresh.
FRESH_MOMENT = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
LATE_MOMENT = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)  # 32 hours: past the 30-hour warning, not yet 48
STALE_MOMENT = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)  # nine and a half days later

DRAWN_MARKS_JS = """
(id) => {
  const plot = document.querySelector(`#${id} .plot`);
  let bars = 0;
  plot.querySelectorAll('.barlayer .point path').forEach((p) => {
    const box = p.getBBox();
    if (box.width > 0 && box.height > 0) bars += 1;
  });
  const markers = plot.querySelectorAll('.scatterlayer .points path.point').length;
  const legend = plot.querySelectorAll('.legend .traces').length;
  const titles = [...plot.querySelectorAll('.g-xtitle, .g-ytitle')].map((t) => t.textContent);
  return {bars, markers, legend, titles};
}
"""


@dataclass
class Visit:
    """One page load and everything it asked the network for."""

    page: Any
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def visit(browser: Any, url: str, site_prefix: str, viewport: dict[str, int], at: datetime | None = None) -> Visit:
    """Open url with every request outside site_prefix blocked, and wait for every chart to be drawn."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    seen = Visit(page)

    def route(r: Any) -> None:
        if r.request.url.startswith(site_prefix):
            r.continue_()
        else:
            seen.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("requestfailed", lambda request: seen.failed.append(f"{request.url}: {request.failure}"))
    page.on(
        "response", lambda response: response.status >= 400 and seen.failed.append(f"{response.url}: {response.status}")
    )
    page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    if at is not None:
        page.clock.set_fixed_time(at)
    page.goto(url)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plot')].every((p) => p.dataset.rendered === 'true')", timeout=30_000
    )
    return seen


@pytest.fixture(scope="module")
def file_visit(browser: Any, demo_site: Path) -> Iterator[Visit]:
    seen = visit(browser, (demo_site / "cac.html").as_uri(), demo_site.as_uri() + "/", DESKTOP, FRESH_MOMENT)
    yield seen
    seen.page.context.close()


@pytest.fixture(scope="module")
def http_visit(browser: Any, site_url: str) -> Iterator[Visit]:
    seen = visit(browser, site_url + "cac.html", site_url, DESKTOP, STALE_MOMENT)
    yield seen
    seen.page.context.close()


def last_complete_month(world: BuiltWorld) -> tuple[Any, Any]:
    return query(
        world.settings,
        "select (date_trunc('month', max(date_day) + 1) - interval '1 month')::date, "
        "(date_trunc('month', max(date_day) + 1) - interval '2 month')::date from marts.metrics_daily",
    )[0]


def assert_clean(seen: Visit, site_prefix: str) -> None:
    assert seen.errors == [], seen.errors
    assert seen.failed == [], seen.failed
    assert seen.blocked == [], f"the page asked the network for {seen.blocked}"
    assert seen.requests and all(url.startswith(site_prefix) for url in seen.requests), seen.requests


def test_the_cac_page_loads_from_file_with_no_network_and_no_error(file_visit: Visit, demo_site: Path) -> None:
    assert_clean(file_visit, demo_site.as_uri() + "/")
    assert any(url.endswith(".min.js") for url in file_visit.requests)  # the bundled plotly.js, from the site


def test_the_cac_page_loads_from_a_static_server_with_no_network_and_no_error(http_visit: Visit, site_url: str) -> None:
    assert_clean(http_visit, site_url)
    assert http_visit.page.title().startswith("Acquisition: CAC by channel")


def test_each_chart_draws_its_data_with_axis_titles_and_a_legend(file_visit: Visit, demo_world: BuiltWorld) -> None:
    month, before = last_complete_month(demo_world)
    expected = {
        # CAC per channel (paid and adjusted) of the month and of the month before, for the month's channels.
        "cac-by-channel": query(
            demo_world.settings,
            """select count(*) filter (where now.paid_cac > 0) + count(*) filter (where now.paid_cac_adjusted > 0)
                    + count(*) filter (where prev.paid_cac > 0) + count(*) filter (where prev.paid_cac_adjusted > 0)
               from marts.cac_monthly as now
               left join marts.cac_monthly as prev
                 on prev.channel = now.channel and prev.is_default_model and prev.month_start = %s
               where now.is_default_model and now.month_start = %s and now.channel <> 'unattributed'""",
            (before, month),
        )[0][0],
        # A marker per paid channel and month with an adjusted CAC, and one per month for blended CAC.
        "cac-trend": query(
            demo_world.settings,
            """select count(paid_cac_adjusted) filter (where channel in (
                        select channel from marts.cac_monthly where is_default_model group by channel
                        having sum(spend_usd) > 0))
                    + count(distinct month_start) filter (where blended_cac is not null)
               from marts.cac_monthly where is_default_model""",
        )[0][0],
        # A point per channel and month.
        "spend-vs-customers": query(
            demo_world.settings,
            "select count(*) from marts.cac_monthly where is_default_model and channel <> 'unattributed'",
        )[0][0],
        # A bar per channel and day with spend in the last 90 days.
        "daily-spend": query(
            demo_world.settings,
            """select count(*) from marts.metrics_daily
               where spend_usd > 0 and channel <> 'unattributed'
                 and date_day > (select max(date_day) from marts.metrics_daily) - 90""",
        )[0][0],
        # The calibrated and the attributed-mix CAC of each paid channel of the month, a marker each.
        "calibrated-cac": query(
            demo_world.settings,
            """select count(paid_cac_calibrated) + count(paid_cac_adjusted) from marts.cac_monthly
               where is_default_model and month_start = %s and channel <> 'unattributed' and spend_usd > 0""",
            (month,),
        )[0][0],
        # A bar per channel with a tracking loss estimated above zero (it is pooled: one per channel).
        "tracking-loss": query(
            demo_world.settings,
            """select count(distinct channel) from marts.cac_monthly
               where is_default_model and estimated_tracking_loss > 0""",
        )[0][0],
        # A marker per month and per week with new paying customers (the target is a line).
        "coverage": query(
            demo_world.settings,
            """select (select count(attribution_coverage) from marts.cac_monthly where is_default_model
                       and channel = 'unattributed')
                    + (select count(*) from (select date_trunc('week', date_day) from marts.metrics_daily
                       where date_day > (select max(date_day) from marts.metrics_daily) - 90
                       group by 1 having sum(new_paying_customers) > 0) as weeks)""",
        )[0][0],
    }
    for chart_id, marks in expected.items():
        drawn = file_visit.page.evaluate(DRAWN_MARKS_JS, chart_id)
        assert marks > 0, chart_id
        assert drawn["bars"] + drawn["markers"] == marks, (chart_id, drawn, marks)
        assert drawn["legend"] >= 2, (chart_id, drawn)
        assert len([t for t in drawn["titles"] if t.strip()]) >= 2, (chart_id, drawn)
    declared = file_visit.page.eval_on_selector_all(
        ".plot", "(plots) => plots.map((p) => [p.parentElement.id, +p.dataset.marks])"
    )
    for chart_id, marks in declared:
        drawn = file_visit.page.evaluate(DRAWN_MARKS_JS, chart_id)
        assert drawn["bars"] + drawn["markers"] == marks, chart_id


NUMBER = re.compile(r"^(−)?\$?([\d,]+(?:\.\d+)?)%?$")


def shown_number(text: str) -> Decimal | None:
    """A number as the page shows it ("$1,234.5", "12.5", "–"), read back; None for "no value"."""
    if text.strip() == "–":
        return None
    match = NUMBER.match(text.strip())
    assert match, f"not a number as people read one: {text!r}"
    value = Decimal(match.group(2).replace(",", ""))
    return -value if match.group(1) else value


def places(text: str) -> int:
    return len(text.split(".")[1].rstrip("%")) if "." in text else 0


def test_the_cac_table_equals_cac_monthly_for_the_month_cell_by_cell(http_visit: Visit, demo_world: BuiltWorld) -> None:
    month, before = last_complete_month(demo_world)
    columns = ["spend_usd", "new_paying_customers", "paid_cac", "new_paying_customers_adjusted", "paid_cac_adjusted",
               "spend_without_customers_usd"]  # fmt: skip
    listed = ", ".join(columns)
    of_month = "from marts.cac_monthly where is_default_model and month_start = %s"
    mart = {
        r[0]: dict(zip(columns, r[1:], strict=True))
        for r in query(demo_world.settings, f"select channel, {listed} {of_month}", (month,))
    }
    prev = {
        r[0]: {"before.paid_cac": r[1], "before.paid_cac_adjusted": r[2]}
        for r in query(demo_world.settings, f"select channel, paid_cac, paid_cac_adjusted {of_month}", (before,))
    }
    table = http_visit.page.locator("#cac-table")
    assert table.get_attribute("data-month") == month.isoformat()
    cells = table.locator("tbody tr:not(.total) td").evaluate_all(
        "(tds) => tds.map((td) => [td.parentElement.dataset.channel, td.dataset.column, td.dataset.value,"
        " td.innerText])"
    )
    shown_channels = {channel for channel, *_ in cells}
    assert shown_channels == set(mart), "the table's rows are the month's channels, unattributed included"
    assert len(cells) == len(mart) * 8
    for channel, column, value, text in cells:
        expected = prev.get(channel, {}).get(column) if column.startswith("before.") else mart[channel][column]
        assert (Decimal(value) if value else None) == expected, (channel, column)
        shown = shown_number(text)
        if expected is None:
            assert shown is None, (channel, column, text)
        else:  # the shown value is the mart's, rounded to the places shown (half away from zero)
            assert shown is not None and abs(shown - expected) <= Decimal("0.5") * Decimal(10) ** -places(text), (
                channel, column, text, expected)  # fmt: skip
    totals = query(
        demo_world.settings,
        "select distinct month_spend_usd, blended_cac, month_spend_without_customers_usd from marts.cac_monthly "
        "where is_default_model and month_start = %s",
        (month,),
    )
    assert len(totals) == 1
    row = table.locator("tbody tr.total")
    for column, expected in zip(
        ("month_spend_usd", "blended_cac", "month_spend_without_customers_usd"), totals[0], strict=True
    ):
        assert Decimal(row.locator(f'td[data-column="{column}"]').first.get_attribute("data-value")) == expected


def test_the_calibrated_cac_and_its_interval_equal_the_marts_for_the_month(
    http_visit: Visit, demo_world: BuiltWorld
) -> None:
    """What the page shows as the headline CAC and its 95 % ends is cac_monthly's and cac_monthly_intervals'."""
    month, _ = last_complete_month(demo_world)
    columns = ["spend_usd", "new_paying_customers_calibrated", "paid_cac_calibrated", "paid_cac_low", "paid_cac_high",
               "paid_cac_adjusted", "estimated_tracking_loss", "survey_tracked_answered",
               "survey_unattributed_answered"]  # fmt: skip
    mart = {
        r[0]: dict(zip(columns, r[1:], strict=True))
        for r in query(
            demo_world.settings,
            """select c.channel, c.spend_usd, c.new_paying_customers_calibrated, c.paid_cac_calibrated,
                      i.paid_cac_low, i.paid_cac_high, c.paid_cac_adjusted, c.estimated_tracking_loss,
                      c.survey_tracked_answered, c.survey_unattributed_answered
               from marts.cac_monthly as c
               inner join marts.cac_monthly_intervals as i
                 on i.month_start = c.month_start and i.attribution_model = c.attribution_model
                    and i.channel = c.channel
               where c.is_default_model and c.month_start = %s and c.channel <> 'unattributed'
                 and c.spend_usd > 0""",
            (month,),
        )
    }
    assert len(mart) >= 4, "every paid channel of the month has an interval"
    assert all(m["paid_cac_low"] <= m["paid_cac_calibrated"] <= m["paid_cac_high"] for m in mart.values())
    table = http_visit.page.locator("#calibrated-table")
    assert table.get_attribute("data-month") == month.isoformat()
    cells = table.locator("tbody td").evaluate_all(
        "(tds) => tds.map((td) => [td.parentElement.dataset.channel, td.dataset.column, td.dataset.value,"
        " td.innerText])"
    )
    assert {channel for channel, *_ in cells} == set(mart) and len(cells) == len(mart) * len(columns)
    for channel, column, value, text in cells:
        expected = mart[channel][column]
        assert (Decimal(value) if value else None) == expected, (channel, column)
        shown = shown_number(text)
        scale = 100 if column == "estimated_tracking_loss" else 1
        assert shown is not None and abs(shown - expected * scale) <= Decimal("0.5") * Decimal(10) ** -places(text), (
            channel, column, text, expected)  # fmt: skip
    # The chart draws the same ends: each error bar spans low..high around the calibrated CAC.
    figure = json.loads(http_visit.page.locator("#calibrated-cac-figure").text_content())
    point = figure["data"][0]
    for channel, y, plus, minus in zip(
        point["x"], point["y"], point["error_y"]["array"], point["error_y"]["arrayminus"], strict=True
    ):
        assert y == pytest.approx(float(mart[channel]["paid_cac_calibrated"]))
        assert y + plus == pytest.approx(float(mart[channel]["paid_cac_high"]))
        assert y - minus == pytest.approx(float(mart[channel]["paid_cac_low"]))
    error_bars = http_visit.page.evaluate(
        "() => document.querySelectorAll('#calibrated-cac .plot .errorbar path').length"
    )
    assert error_bars == len(point["x"])
    evidence = query(
        demo_world.settings,
        """select distinct month_unattributed_answered, month_unattributed_new_paying_customers
           from marts.cac_monthly where is_default_model and month_start = %s""",
        (month,),
    )
    assert len(evidence) == 1
    note = http_visit.page.locator("#calibrated-evidence").inner_text()
    assert f"missed {evidence[0][1]:,.0f} of the month's new paying customers; {evidence[0][0]:,.0f} of them" in note


def test_the_cac_accuracy_tile_and_the_survey_lever_equal_the_marts(http_visit: Visit, demo_world: BuiltWorld) -> None:
    """The KPI tile is the scorecard's CAC accuracy; the lever table is cac_accuracy_monthly's, per paid channel."""
    month, _ = last_complete_month(demo_world)
    ((value, target, status),) = query(
        demo_world.settings,
        "select kpi_value, target, status from marts.loop_scorecard where loop_name = 'acquisition'",
    )
    tile = http_visit.page.locator("#tile-cac-accuracy").inner_text()
    assert f"{value * 100:.1f}%" in tile and f"<= {target * 100:.1f}%" in tile and STATUS_WORDS[status] in tile, tile
    columns = ["half_width_share", "survey_answers", "survey_answers_for_target"]
    mart = {
        r[0]: dict(zip(columns, r[1:], strict=True))
        for r in query(
            demo_world.settings,
            f"select channel, {', '.join(columns)} from marts.cac_accuracy_monthly where month_start = %s",
            (month,),
        )
    }
    assert mart, "the demo world's intervals give every paid channel an accuracy row"
    cells = http_visit.page.locator("#accuracy-table tbody td").evaluate_all(
        "(tds) => tds.map((td) => [td.parentElement.dataset.channel, td.dataset.column, td.dataset.value])"
    )
    assert {channel for channel, *_ in cells} == set(mart) and len(cells) == len(mart) * len(columns)
    for channel, column, value in cells:
        assert Decimal(value) == mart[channel][column], (channel, column)


def test_the_page_says_when_its_data_is_older_than_its_freshness_policy(file_visit: Visit, http_visit: Visit) -> None:
    """Opened six hours after the world's last day the data is fresh; opened ten days later it is stale."""
    assert file_visit.page.locator(".page-head .freshness-banner").is_hidden()
    assert file_visit.page.locator(".page-head .as-of").get_attribute("data-verdict") == "fresh"
    assert "(6 hours old)" in file_visit.page.locator(".page-head .as-of").inner_text()
    banner = http_visit.page.locator(".page-head .freshness-banner")
    assert banner.is_visible()
    text = banner.inner_text()
    assert "These numbers are stale." in text and "31 Mar 2026" in text and "9 days old" in text, text


def test_the_index_lists_the_cac_page_with_its_data_age(browser: Any, demo_site: Path) -> None:
    seen = visit(browser, (demo_site / "index.html").as_uri(), demo_site.as_uri() + "/", DESKTOP, FRESH_MOMENT)
    try:
        assert_clean(seen, demo_site.as_uri() + "/")
        entry = seen.page.locator('.page-entry[data-page="cac.html"]')
        assert "Data as of 31 Mar 2026" in entry.inner_text() and "(6 hours old)" in entry.inner_text()
        assert entry.locator(".freshness-status").inner_text() == "Up to date"
        seen.page.clock.set_fixed_time(LATE_MOMENT)
        seen.page.reload()
        assert "(32 hours old)" in entry.inner_text()
        assert entry.locator(".freshness-status").inner_text().startswith("Late")
        entry.locator("a").click()
        seen.page.wait_for_function("() => document.querySelectorAll('.plot[data-rendered]').length === 7")
        assert seen.page.url.endswith("/cac.html")
    finally:
        seen.page.context.close()


def test_the_page_fits_a_phone_screen(browser: Any, demo_site: Path) -> None:
    seen = visit(browser, (demo_site / "cac.html").as_uri(), demo_site.as_uri() + "/", PHONE, FRESH_MOMENT)
    try:
        assert_clean(seen, demo_site.as_uri() + "/")
        width = seen.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px wide)"
        plots = seen.page.eval_on_selector_all(".plot", "(ps) => ps.map((p) => p.getBoundingClientRect().width)")
        assert all(0 < w <= PHONE["width"] for w in plots), plots
    finally:
        seen.page.context.close()


def test_a_screenshot_of_the_cac_page_for_the_readme(file_visit: Visit) -> None:
    """docs/dashboard-cac.png, at a fixed moment so it changes only when the page does."""
    png = file_visit.page.screenshot(full_page=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
    write_if_changed(SCREENSHOT, png)
    assert SCREENSHOT.exists()


# ---- the reliability page ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reliability_visit(browser: Any, demo_site: Path) -> Iterator[Visit]:
    seen = visit(browser, (demo_site / "reliability.html").as_uri(), demo_site.as_uri() + "/", DESKTOP, FRESH_MOMENT)
    yield seen
    seen.page.context.close()


def test_the_reliability_page_loads_and_every_chart_draws_its_marks(
    reliability_visit: Visit, demo_site: Path, demo_world: BuiltWorld
) -> None:
    assert_clean(reliability_visit, demo_site.as_uri() + "/")
    page = reliability_visit.page
    assert page.title().startswith("Reliability: errors, auto-fixes and MTTR")
    declared = dict(
        page.eval_on_selector_all(".plot", "(plots) => plots.map((p) => [p.parentElement.id, +p.dataset.marks])")
    )
    assert {"error-rate", "mttr", "auto-fixed", "remediation-outcomes"} <= set(declared), declared
    for chart_id, marks in declared.items():
        drawn = page.evaluate(DRAWN_MARKS_JS, chart_id)
        assert marks > 0 and drawn["bars"] + drawn["markers"] == marks, (chart_id, drawn, marks)
        assert len([t for t in drawn["titles"] if t.strip()]) >= 2, (chart_id, drawn)
    # A marker per day with requests (the error rate), and per month with errors (the auto-fixed share).
    days, months, ran = query(
        demo_world.settings,
        """select (select count(*) from (select date_day from marts.reliability_daily group by date_day
                   having max(api_requests) > 0) as d),
                  (select count(*) from (select date_trunc('month', date_day) from marts.reliability_daily
                   group by 1 having sum(errors) > 0) as m),
                  (select count(*) from marts.error_events where remediation_outcome is not null)""",
    )[0]
    assert declared["error-rate"] == days and declared["auto-fixed"] == months
    assert page.locator("#no-remediations").count() == (0 if ran else 1)  # an empty ledger is said plainly


def test_the_top_groups_table_equals_error_groups_cell_by_cell(
    reliability_visit: Visit, demo_world: BuiltWorld
) -> None:
    columns = ["events", "customers", "auto_fixed_share", "tickets"]
    mart = query(
        demo_world.settings,
        f"select fingerprint, {', '.join(columns)} from marts.error_groups order by events desc, fingerprint limit 10",
    )
    assert mart
    cells = reliability_visit.page.locator("#top-groups tbody td[data-column]").evaluate_all(
        "(tds) => tds.map((td) => [td.parentElement.dataset.fingerprint, td.dataset.column, td.dataset.value,"
        " td.innerText])"
    )
    expected = [(r[0], column, value) for r in mart for column, value in zip(columns, r[1:], strict=True)]
    assert [(f, c) for f, c, *_ in cells] == [(f, c) for f, c, _ in expected], "the mart's ten groups, in its order"
    for (fingerprint, column, value, text), (_, _, want) in zip(cells, expected, strict=True):
        assert (Decimal(value) if value else None) == want, (fingerprint, column)
        shown = shown_number(text)
        if want is None:
            assert shown is None, (fingerprint, column, text)
        else:  # percentages are shown in percent, to the places shown
            scale = 100 if column == "auto_fixed_share" else 1
            assert shown is not None and abs(shown - want * scale) <= Decimal("0.5") * Decimal(10) ** -places(text), (
                fingerprint, column, text, want)  # fmt: skip


# ---- the support page (loop 3) -------------------------------------------------------------------------------

TOP_ISSUE_COLUMNS = ("issue_rank", "category", "tickets", "share", "tickets_change", "tickets_change_percent",
                     "previous_rank")  # fmt: skip


@pytest.fixture(scope="module")
def support_visit(browser: Any, demo_site: Path) -> Iterator[Visit]:
    seen = visit(browser, (demo_site / "support.html").as_uri(), demo_site.as_uri() + "/", DESKTOP, FRESH_MOMENT)
    yield seen
    seen.page.context.close()


def test_the_support_page_loads_with_no_error_and_no_failed_request(support_visit: Visit, demo_site: Path) -> None:
    assert_clean(support_visit, demo_site.as_uri() + "/")
    assert support_visit.page.title().startswith("Support: ticket categories and SLAs")
    assert support_visit.page.locator(".page-head .as-of").get_attribute("data-verdict") == "fresh"


def test_each_support_chart_draws_its_marks(support_visit: Visit, demo_world: BuiltWorld) -> None:
    declared = dict(
        support_visit.page.eval_on_selector_all(
            ".plot", "(plots) => plots.map((p) => [p.parentElement.id, +p.dataset.marks])"
        )
    )
    assert set(declared) == {"ticket-volume", "backlog", "first-response-times", "resolution-times", "csat",
                             "categorized-share"}  # fmt: skip
    # Independently of the page's SQL: a bar per month and category with tickets, a marker per month.
    assert (
        declared["ticket-volume"]
        == query(demo_world.settings, "select count(*) from marts.support_monthly where tickets > 0")[0][0]
    )
    months = query(demo_world.settings, "select count(distinct created_month) from marts.support_tickets")[0][0]
    assert declared["categorized-share"] == months
    for chart_id, marks in declared.items():
        drawn = support_visit.page.evaluate(DRAWN_MARKS_JS, chart_id)
        assert marks > 0, chart_id
        assert drawn["bars"] + drawn["markers"] == marks, (chart_id, drawn, marks)
        assert len([t for t in drawn["titles"] if t.strip()]) >= 2, (chart_id, drawn)


def test_the_top_5_table_equals_support_top_issues_for_the_last_complete_month(
    support_visit: Visit, demo_world: BuiltWorld
) -> None:
    listed = ", ".join(TOP_ISSUE_COLUMNS)
    mart = query(
        demo_world.settings,
        f"select month_start, {listed} from marts.support_top_issues where is_last_complete_month order by issue_rank",
    )
    assert len(mart) == 5
    table = support_visit.page.locator("#top-issues")
    assert table.get_attribute("data-month") == mart[0][0].isoformat()
    cells = table.locator("tbody tr").evaluate_all(
        "(trs) => trs.map((tr) => [...tr.querySelectorAll('[data-column]')].map((c) => [c.dataset.column,"
        " c.dataset.value, c.innerText.trim()]))"
    )
    assert len(cells) == len(mart)
    for row, expected in zip(cells, mart, strict=True):
        assert [column for column, _, _ in row] == list(TOP_ISSUE_COLUMNS)
        for (column, value, text), want in zip(row, expected[1:], strict=True):
            if want is None:
                assert value == "" and text.endswith("–"), (column, value, text)
            elif column == "category":
                assert value == text == want
            else:
                assert Decimal(value) == Decimal(want), (column, value, want)
                number = text.split()[-1].replace("+", "").replace("%", "").replace(",", "")
                shown = Decimal(number)
                if column == "share":
                    shown = shown / 100
                assert abs(shown - Decimal(want)) <= Decimal("0.0005" if column == "share" else "0.05"), (
                    column, text, want)  # fmt: skip
        trend = row[4][2].split()[0]
        change = expected[5]
        assert trend in ("↑", "↓", "→", "new"), row
        if expected[7] is not None:
            assert trend == ("↑" if change > 0 else "↓" if change < 0 else "→"), (row, change)


# ---- the billing page (loop 4) ---------------------------------------------------------------------------
# The demo world has its months closed (tests/conftest.py: build_demo_world), so the page has a closed month.


@pytest.fixture(scope="module")
def billing_visit(browser: Any, demo_site: Path) -> Iterator[Visit]:
    seen = visit(browser, (demo_site / "billing.html").as_uri(), demo_site.as_uri() + "/", DESKTOP, FRESH_MOMENT)
    yield seen
    seen.page.context.close()


def test_the_billing_page_loads_with_no_error_and_draws_every_chart(billing_visit: Visit, demo_site: Path) -> None:
    assert_clean(billing_visit, demo_site.as_uri() + "/")
    declared = billing_visit.page.eval_on_selector_all(
        ".plot", "(plots) => plots.map((p) => [p.parentElement.id, +p.dataset.marks])"
    )
    assert {chart_id for chart_id, _ in declared} == {"revenue-by-plan", "usage-by-month"}
    for chart_id, marks in declared:
        drawn = billing_visit.page.evaluate(DRAWN_MARKS_JS, chart_id)
        assert marks > 0 and drawn["bars"] + drawn["markers"] == marks, (chart_id, drawn, marks)


def test_the_billing_revenue_table_equals_api_revenue_monthly_cell_by_cell(
    billing_visit: Visit, demo_world: BuiltWorld
) -> None:
    columns = ["customers", "billable_units", "revenue", "usd_per_unit", "revenue_usd", "revenue_growth",
               "usage_growth"]  # fmt: skip
    mart = {
        (r[0].isoformat(), r[1], r[2]): dict(zip(columns, r[3:], strict=True))
        for r in query(
            demo_world.settings,
            f"select month_start, plan_id, currency, {', '.join(columns)} from marts.api_revenue_monthly",
        )
    }
    cells = billing_visit.page.locator("#revenue-table tbody td[data-column]").evaluate_all(
        "(tds) => tds.map((td) => [td.parentElement.dataset.month, td.parentElement.dataset.plan,"
        " td.parentElement.dataset.currency, td.dataset.column, td.dataset.value])"
    )
    assert mart and len(cells) == len(mart) * len(columns)
    assert {(m, p, c) for m, p, c, *_ in cells} == set(mart)
    for month, plan, currency, column, value in cells:
        assert (Decimal(value) if value else None) == mart[(month, plan, currency)][column], (month, plan, column)


RATES_SQL = "select distinct month_start::text, currency, usd_per_unit from marts.api_revenue_monthly"


def test_each_months_largest_invoices_are_linked_from_the_billing_page_and_open(
    billing_visit: Visit, demo_world: BuiltWorld
) -> None:
    # The oracle: the ledger's invoices in USD at the revenue mart's rate of their month and currency.
    rates = {(m, c): r for m, c, r in query(demo_world.settings, RATES_SQL)}
    months: dict[str, list[tuple[Decimal, str]]] = {}
    for invoice_id, month, currency, total in query(
        demo_world.settings, "select invoice_id, month::text, currency, total from billing.invoices"
    ):
        months.setdefault(month, []).append((total * rates[(month, currency)], invoice_id))
    links = billing_visit.page.eval_on_selector_all(
        "#invoices a[data-invoice]",
        "(as) => as.map((a) => [a.closest('details').dataset.month, a.dataset.invoice, a.getAttribute('href')])",
    )
    summaries = billing_visit.page.eval_on_selector_all(
        "#invoices details", "(ds) => ds.map((d) => [d.dataset.month, d.querySelector('summary').innerText])"
    )
    assert months and len(links) == sum(min(len(v), INVOICES_LISTED) for v in months.values())
    for month, invoices in months.items():
        listed = {i for m, i, _ in links if m == month}
        assert len(invoices) > INVOICES_LISTED and len(listed) == INVOICES_LISTED  # the demo's 923 a month
        smallest_listed = min(usd for usd, i in invoices if i in listed)
        assert all(usd <= smallest_listed for usd, i in invoices if i not in listed), month
        assert f"{len(invoices):,} invoices, the {INVOICES_LISTED} largest listed" in dict(summaries)[month]
    _, first, href = links[0]
    assert href == f"billing/invoices/{first}.html"
    assert billing_visit.page.locator("#tile-reconciliation .tile-value").inner_text() == "reconciles"
    # The month's list starts closed (the page was 23,000 px tall open): a reader opens it first.
    invoice = billing_visit.page.locator(f'a[data-invoice="{first}"]')
    assert not invoice.is_visible()
    billing_visit.page.locator("#invoices details", has=invoice).locator("summary").click()
    invoice.click()
    billing_visit.page.wait_for_load_state()
    assert billing_visit.page.url.endswith(href) and first in billing_visit.page.content()
    assert billing_visit.errors == [] and billing_visit.failed == [] and billing_visit.blocked == []


# ---- the product page (loop 2) -----------------------------------------------------------------------------

ADOPTION_COLUMNS = ("active_accounts", "adopters", "adoption_rate", "new_accounts", "repeat_accounts",
                    "returning_accounts", "churned_accounts", "median_days_to_adopt", "distinct_users")  # fmt: skip
STATE_COLUMNS = ("new_accounts", "repeat_accounts", "returning_accounts", "churned_accounts")
TIME_TO_ADOPT_BOUNDS = (0, 1, 2, 3, 5, 7, 14, 21, 30)  # the page's buckets: 0-1 days ... 30+ days


@pytest.fixture(scope="module")
def product_visit(browser: Any, demo_site: Path) -> Iterator[Visit]:
    seen = visit(browser, (demo_site / "product.html").as_uri(), demo_site.as_uri() + "/", DESKTOP, FRESH_MOMENT)
    yield seen
    seen.page.context.close()


def test_the_product_page_loads_and_every_chart_draws_the_marts_marks(
    product_visit: Visit, demo_site: Path, demo_world: BuiltWorld
) -> None:
    assert_clean(product_visit, demo_site.as_uri() + "/")
    page = product_visit.page
    assert page.title().startswith("Product: feature adoption")
    declared = dict(
        page.eval_on_selector_all(".plot", "(plots) => plots.map((p) => [p.parentElement.id, +p.dataset.marks])")
    )
    assert set(declared) == {"adoption-trend", "adoption-curves", "monthly-states", "time-to-adopt"}
    # Counted from the marts here, not by the page's code: a marker per day and feature with a rate, a bar per
    # month, feature and non-zero state, a bar per feature and time-to-adopt bucket with accounts.
    settings = demo_world.settings
    rated = query(settings, "select count(*) from marts.feature_adoption_daily where adoption_rate is not null")
    states = query(
        settings,
        "select " + " + ".join(f"count(*) filter (where {c} <> 0)" for c in STATE_COLUMNS)
        + " from marts.feature_adoption_monthly",
    )  # fmt: skip
    launched = query(
        settings,
        "select count(*) from marts.feature_adoption_daily where adoption_rate is not null and feature in"
        " (select feature from marts.feature_adoption_daily where days_since_release = 0)",
    )
    adopted = query(settings, "select feature, days_to_adopt from marts.feature_first_use where days_to_adopt >= 0")
    buckets = {(f, sum(d >= b for b in TIME_TO_ADOPT_BOUNDS)) for f, d in adopted}
    assert declared == {"adoption-trend": rated[0][0], "monthly-states": states[0][0],
                        "adoption-curves": launched[0][0], "time-to-adopt": len(buckets)}  # fmt: skip
    for chart_id, marks in declared.items():
        drawn = page.evaluate(DRAWN_MARKS_JS, chart_id)
        assert marks > 0 and drawn["bars"] + drawn["markers"] == marks, (chart_id, drawn, marks)
        assert len([t for t in drawn["titles"] if t.strip()]) >= 2, (chart_id, drawn)


def test_the_product_page_is_as_old_as_its_newest_activity_delivery(
    product_visit: Visit, demo_world: BuiltWorld
) -> None:
    as_of = query(demo_world.settings, "select max(_activity_delivered_through) from marts.feature_adoption_daily")
    head = product_visit.page.locator(".page-head .as-of")
    assert head.locator("time").get_attribute("datetime") == as_of[0][0].isoformat()
    assert head.get_attribute("data-verdict") == "fresh"  # six hours after the world's last day


def test_the_adoption_table_equals_feature_adoption_monthly_for_the_last_complete_month(
    product_visit: Visit, demo_world: BuiltWorld
) -> None:
    month = query(
        demo_world.settings,
        "select (date_trunc('month', max(date_day) + 1) - interval '1 month')::date from marts.feature_adoption_daily",
    )[0][0]
    mart = {
        r[0]: dict(zip(ADOPTION_COLUMNS, r[1:], strict=True))
        for r in query(
            demo_world.settings,
            f"select feature, {', '.join(ADOPTION_COLUMNS)} from marts.feature_adoption_monthly where month_start = %s",
            (month,),
        )
    }
    table = product_visit.page.locator("#adoption-month")
    assert table.get_attribute("data-month") == month.isoformat()
    cells = table.locator("tbody td[data-column]").evaluate_all(
        "(tds) => tds.map((td) => [td.parentElement.dataset.feature, td.dataset.column, td.dataset.value,"
        " td.innerText.trim()])"
    )
    assert len(mart) == 8 and len(cells) == len(mart) * len(ADOPTION_COLUMNS)  # every feature released by March
    shown_rates = [Decimal(v) for _, c, v, _ in cells if c == "adoption_rate"]
    assert shown_rates == sorted(shown_rates, reverse=True)  # highest adoption first
    for feature, column, value, text in cells:
        want = mart[feature][column]
        assert (Decimal(value) if value else None) == want, (feature, column, value, want)
        shown = shown_number(text)
        if want is None:
            assert shown is None, (feature, column, text)
        else:
            scale = 100 if column == "adoption_rate" else 1
            assert abs(shown - want * scale) <= Decimal("0.5") * Decimal(10) ** -places(text), (feature, column, text)
    # The four states, summed over the month's features, hold the issue's identity.
    for row in mart.values():
        assert row["new_accounts"] + row["repeat_accounts"] + row["returning_accounts"] == row["adopters"]


def test_uncatalogued_events_are_noted_and_beta_use_is_shown_apart(
    product_visit: Visit, demo_world: BuiltWorld
) -> None:
    page = product_visit.page
    totals = dict(
        query(demo_world.settings, "select usage_kind, sum(events) from marts.feature_usage_outside_catalog group by 1")
    )
    assert totals["uncatalogued"] > 0 and totals["beta"] > 0  # the demo world has both
    note = page.locator("#uncatalogued-note")
    assert note.is_visible() and int(note.get_attribute("data-events")) == totals["uncatalogued"]
    assert shown_number(page.locator("#tile-uncatalogued .tile-value").inner_text()) == totals["uncatalogued"]
    assert shown_number(page.locator("#tile-beta .tile-value").inner_text()) == totals["beta"]
    rows = page.locator("#outside-catalog tbody tr").evaluate_all(
        "(trs) => trs.map((tr) => [tr.dataset.kind, tr.dataset.feature,"
        " +tr.querySelector('[data-column=events]').dataset.value])"
    )
    mart = query(
        demo_world.settings,
        "select usage_kind, feature, sum(events) from marts.feature_usage_outside_catalog group by 1, 2",
    )
    assert sorted(map(tuple, rows)) == sorted((k, f, int(n)) for k, f, n in mart)


WIDE_SCREENS = ({"width": 1280, "height": 900}, {"width": 1400, "height": 900})
# What a reader loses at a screen's width: the page scrolling sideways, a table needing its own scroll bar
# (the calibrated CAC table lost its "Tracked" column), an axis title running out of its chart.
CUT_OFF_JS = """
() => {
  const cut = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth) cut.push(`the page is ${page.scrollWidth} px wide`);
  document.querySelectorAll('.table-wrap').forEach((wrap, n) => {
    const name = wrap.closest('[id]')?.id || `table ${n + 1}`;
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      cut.push(`${name}: ${wrap.scrollWidth} px of table in ${wrap.clientWidth}`);
    }
  });
  document.querySelectorAll('.plot').forEach((plot) => {
    const box = plot.getBoundingClientRect();
    plot.querySelectorAll('.g-xtitle text, .g-ytitle text, .g-y2title text').forEach((title) => {
      const t = title.getBoundingClientRect();
      if (t.left < box.left - 1 || t.right > box.right + 1 || t.top < box.top - 1 || t.bottom > box.bottom + 1) {
        cut.push(`${plot.closest('[id]')?.id}: axis title "${title.textContent}" runs out of its chart`);
      }
    });
  });
  return cut;
}
"""


@pytest.mark.parametrize("screen", WIDE_SCREENS, ids=lambda s: f"{s['width']}px")
def test_no_page_cuts_off_a_table_or_a_title_on_a_wide_screen(browser: Any, demo_site: Path, screen: dict) -> None:
    pages = sorted(demo_site.glob("*.html"))
    pages.append(next(demo_site.glob("billing/invoices/*.html")))  # one invoice stands for all
    assert {p.name for p in pages} >= {"index.html", "cac.html", "product.html", "support.html", "reliability.html"}
    cut_off = {}
    for path in pages:
        seen = visit(browser, path.as_uri(), demo_site.as_uri() + "/", screen, FRESH_MOMENT)
        try:
            cut_off[str(path.relative_to(demo_site))] = seen.page.evaluate(CUT_OFF_JS)
        finally:
            seen.page.context.close()
    assert {page: cut for page, cut in cut_off.items() if cut} == {}
