"""The CAC page's shaping, on hand-made mart rows: tables, tiles and figures, before any browser."""

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import plotly.graph_objects as go
import pytest

from aias_dagster.acquisition.charts import weekly_coverage
from aias_dagster.acquisition.page import PAGE, cac_table, model_table, page_data
from aias_dagster.acquisition.queries import CacRows, CalibratedCac
from aias_dagster.dashboards import charts
from aias_dagster.dashboards.render import Assets, render_page
from aias_dagster.platform.kpi import LoopKpi

ASSETS = Assets(css="assets/site.css", script="assets/site.js", plotly="assets/plotly.min.js")
FEB, MAR, APR = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
KPI = LoopKpi("acquisition", MAR, "CAC accuracy (widest 95 % interval)", D("0.1875"), D("0.05"), "at_most", "share",
              "red", "paid_search: ±30.00 USD on a calibrated CAC of 160.00 USD")  # fmt: skip


def cac_row(
    month: date,
    channel: str,
    spend: str,
    customers: str,
    cac: str | None,
    model: str = "last_non_direct",
    provisional: bool = False,
) -> dict:
    return {
        "month_start": month,
        "attribution_model": model,
        "is_default_model": model == "last_non_direct",
        "channel": channel,
        "spend_usd": D(spend),
        "new_paying_customers": D(customers),
        "new_paying_customers_adjusted": D(customers) * D("1.25"),
        "paid_cac": None if cac is None else D(cac),
        "paid_cac_adjusted": None if cac is None else D(cac) * D("0.8"),
        "spend_without_customers_usd": D(spend) if cac is None else D(0),
        "month_spend_usd": D("1500"),
        "month_new_paying_customers": D("10"),
        "month_attributed_new_paying_customers": D("8"),
        "month_unattributed_new_paying_customers": D("2"),
        "attribution_coverage": D("0.8"),
        "blended_cac": D("150"),
        "month_spend_without_customers_usd": D("300"),
        "is_provisional": provisional,
    }


def daily_row(day: date, channel: str, spend: str, customers: str, provisional: bool = False) -> dict:
    return {
        "date_day": day,
        "channel": channel,
        "spend_usd": D(spend),
        "new_paying_customers": D(customers),
        "is_provisional": provisional,
    }


@pytest.fixture
def rows() -> CacRows:
    default = [
        cac_row(FEB, "paid_search", "900", "6", "150"),
        cac_row(FEB, "social", "300", "0", None),
        cac_row(FEB, "unattributed", "0", "2", None),
        cac_row(MAR, "paid_search", "1000", "5", "200", provisional=True),
        cac_row(MAR, "display", "300", "0", None, provisional=True),
        cac_row(MAR, "direct", "0", "3", "0", provisional=True),
        cac_row(MAR, "unattributed", "0", "2", None, provisional=True),
    ]
    models = [r for r in default if r["month_start"] == MAR] + [
        cac_row(MAR, "paid_search", "1000", "4", "250", model="first_touch"),
        cac_row(MAR, "direct", "0", "4", "0", model="first_touch"),
    ]
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]
    daily = [daily_row(d, "paid_search", "30", "1" if d.day % 4 == 0 else "0", d.day > 28) for d in days] + [
        daily_row(d, "unattributed", "0", "1" if d.day in (2, 9) else "0", d.day > 28) for d in days
    ]
    return CacRows(date(2026, 3, 31), MAR, FEB, default, models, daily)


def test_the_cac_table_lists_the_month_by_spend_with_the_month_before_beside_it(rows: CacRows) -> None:
    table = cac_table(rows)
    assert [t["now"]["channel"] for t in table] == ["paid_search", "display", "direct", "unattributed"]
    assert table[0]["before"]["paid_cac"] == D("150")
    assert table[1]["before"] is None  # display did not exist in February


def test_the_model_table_has_every_model_of_each_channel(rows: CacRows) -> None:
    table = {t["channel"]: t["models"] for t in model_table(rows)}
    assert table["paid_search"]["first_touch"]["paid_cac"] == D("250")
    assert table["paid_search"]["last_non_direct"]["paid_cac"] == D("200")
    assert "first_touch" not in table["display"]


def test_weekly_coverage_is_the_attributed_share_of_each_weeks_new_paying_customers(rows: CacRows) -> None:
    weeks = {monday: (share, provisional) for monday, share, provisional in weekly_coverage(rows.daily)}
    # Week of Mon 2 Mar: paid_search converts on the 4th and 8th, 1 unattributed on the 2nd -> 2 of 3.
    assert weeks[date(2026, 3, 2)] == (D(2) / D(3), False)
    assert weeks[date(2026, 3, 30)][1] is True  # holds the provisional 29-31 Mar


def test_every_figure_is_valid_plotly_with_axis_titles_and_a_legend(rows: CacRows) -> None:
    data = page_data(rows)
    assert {c.id for c in data.charts} == {
        "cac-by-channel",
        "cac-trend",
        "spend-vs-customers",
        "daily-spend",
        "coverage",
    }
    for chart in data.charts:
        figure = go.Figure({"data": chart.data, "layout": chart.layout})  # raises on any unknown attribute
        assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text, chart.id
        assert all(trace["name"] for trace in chart.data), chart.id
        assert chart.marks() > 0, chart.id
    by_channel = data.chart("cac-by-channel")
    # Paid and adjusted CAC of paid_search in both months; direct's CAC is 0 (no bar), display has none.
    assert by_channel.marks() == 4


def test_the_rendered_page_shows_the_numbers_formatted_and_marks_provisional_days(rows: CacRows) -> None:
    html = render_page(PAGE, page_data(rows), ASSETS)
    assert 'data-column="paid_cac" data-value="200">$200.0<' in html
    assert 'data-column="spend_usd" data-value="1000">$1,000<' in html
    assert "provisional" in html and "29 Mar 2026 to 31 Mar 2026" in html
    assert 'datetime="2026-03-31"' in html and "2026-04-01T00:00:00Z" in html
    assert '<script src="assets/plotly.min.js"></script>' in html


def test_a_warehouse_without_a_complete_month_gets_a_page_that_says_so() -> None:
    empty = CacRows(None, None, None, [], [], [])
    data = page_data(empty)
    html = render_page(PAGE, data, ASSETS)
    assert data.charts == () and data.as_of is None
    assert "No complete month of acquisition data yet" in html and "plotly" not in html


def test_a_first_complete_month_has_nothing_beside_it_and_still_renders(rows: CacRows) -> None:
    """The first month of a world: no month before, so its CACs stand alone ("–" beside them)."""
    first = CacRows(
        rows.as_of, MAR, FEB, [r for r in rows.default_model if r["month_start"] == MAR],
        rows.models, rows.daily,
    )  # fmt: skip
    data = page_data(first)
    html = render_page(PAGE, data, ASSETS)
    assert all(t["before"] is None for t in cac_table(first))
    assert 'data-column="before.paid_cac" data-value="">–<' in html
    assert data.chart("cac-by-channel").marks() == 2  # March's paid and adjusted CAC of paid_search


# ---- the calibrated section ------------------------------------------------------------------------------


def calibrated(month: date, channel: str, spend: str, cac: str | None, low: str | None, high: str | None,
               loss: str | None, mix: str | None = None) -> CalibratedCac:  # fmt: skip
    customers = D(5) if not cac or cac == "0" else D(spend) / D(cac)
    return CalibratedCac(
        month_start=month, channel=channel, spend_usd=D(spend), new_paying_attributed=customers * D("0.8"),
        new_paying_attributed_mix=customers, new_paying_calibrated=customers, paid_cac=None,
        paid_cac_attributed_mix=None if mix is None else D(mix), paid_cac_calibrated=None if cac is None else D(cac),
        estimated_tracking_loss=None if loss is None else D(loss), attribution_coverage=D("0.8"),
        survey_tracked_answered=D(40), survey_unattributed_answered=D(12), month_unattributed=D(2),
        month_unattributed_answered=D(1), is_provisional=False, paid_cac_low=None if low is None else D(low),
        paid_cac_high=None if high is None else D(high), new_paying_low=None, new_paying_high=None,
    )  # fmt: skip


@pytest.fixture
def with_calibrated(rows: CacRows) -> CacRows:
    return replace(
        rows,
        calibrated=(
            calibrated(FEB, "paid_search", "900", "150", "120", "180", "0.1", "140"),
            calibrated(MAR, "display", "300", "100", "80", None, "0.3", "150"),  # no upper end: the low count is 0
            calibrated(MAR, "paid_search", "1000", "160", "140", "190", "0.1", "166.67"),
            calibrated(MAR, "direct", "0", "0", None, None, "0.05"),  # no spend: not on the CAC chart
        ),
    )


def test_the_calibrated_chart_draws_each_paid_channels_cac_with_its_interval_beside_the_mix(
    with_calibrated: CacRows,
) -> None:
    data = page_data(with_calibrated)
    chart = data.chart("calibrated-cac")
    go.Figure({"data": chart.data, "layout": chart.layout})  # valid Plotly, error bars included
    point, mix = chart.data
    assert point["x"] == ["paid_search", "display"]  # March, by spend, the unpaid channel left out
    assert point["y"] == [160.0, 100.0] and mix["y"] == [166.67, 150.0]
    assert point["error_y"]["array"] == [30.0, None] and point["error_y"]["arrayminus"] == [20.0, 20.0]
    assert chart.marks() == 4
    loss = data.chart("tracking-loss")
    go.Figure({"data": loss.data, "layout": loss.layout})
    paid, unpaid = loss.data
    assert paid["x"] == ["display", "paid_search"] and paid["y"] == [0.3, 0.1]  # the most lost first
    assert unpaid["x"] == ["direct"] and unpaid["y"] == [0.05]
    assert loss.layout["xaxis"]["categoryarray"] == ["display", "paid_search", "direct"] and loss.marks() == 3


def test_the_rendered_calibrated_table_shows_the_interval_and_the_evidence(with_calibrated: CacRows) -> None:
    html = render_page(PAGE, page_data(with_calibrated), ASSETS)
    assert 'data-column="paid_cac_calibrated" data-value="160">$160.0<' in html
    assert 'data-column="paid_cac_low" data-value="140">$140.0<' in html
    assert 'data-column="paid_cac_high" data-value="">–<' in html  # display's interval has no upper end
    assert 'data-column="estimated_tracking_loss" data-value="0.3">30.0%<' in html
    assert "Tracking missed 2 of the month's new paying customers; 1 of them answered" in html


def test_without_survey_rows_the_page_has_no_calibrated_section(rows: CacRows) -> None:
    """A warehouse built before the survey (or with no spend in the month) shows the rest of the page."""
    html = render_page(PAGE, page_data(rows), ASSETS)
    assert 'id="calibrated-table"' not in html and 'id="cac-table"' in html


def test_the_page_asset_depends_on_the_intervals_it_reads() -> None:
    from aias_dagster.dashboards.assets import upstream_keys

    keys = {k.to_user_string() for k in upstream_keys(PAGE)}
    assert keys == {"marts/cac_monthly", "marts/metrics_daily", "marts/cac_monthly_intervals",
                    "marts/cac_accuracy_monthly", "marts/acquisition_kpi_monthly", "marts/loop_scorecard"}  # fmt: skip


def page_text(html: str) -> str:
    """What a reader sees of the page's prose: tags, scripts and styles gone, white space as one space."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("provisional", [True, False])
def test_the_pages_sentences_end_where_they_end_and_are_spaced(with_calibrated: CacRows, provisional: bool) -> None:
    # "the last complete month ." (an empty provisional badge) and "comparison.See docs/..." (a line joined).
    rows = replace(
        with_calibrated, default_model=[r | {"is_provisional": provisional} for r in with_calibrated.default_model]
    )
    text = page_text(render_page(PAGE, page_data(rows), ASSETS))
    assert " ." not in text, text[text.find(" .") - 80 : text.find(" .") + 5]
    joined = re.search(r"[a-z]\.[A-Z]", text)
    assert joined is None, text[joined.start() - 60 : joined.end() + 20]
    assert f"is the last complete month{' provisional' if provisional else ''}." in text


def accuracy(channel: str, share: str, answers: int, needed: int) -> dict:
    return {
        "channel": channel,
        "half_width_usd": D(share) * 160,
        "half_width_share": D(share),
        "survey_answers": answers,
        "target_half_width_share": D("0.05"),
        "survey_answers_for_target": needed,
    }


def test_the_kpi_tile_is_cac_accuracy_against_its_target_and_each_channel_shows_its_lever(
    with_calibrated: CacRows,
) -> None:
    shaped = page_data(
        replace(
            with_calibrated,
            kpi=KPI,
            accuracy=[accuracy("display", "0.1", 4, 16), accuracy("paid_search", "0.1875", 9, 127)],
        )
    )
    html = render_page(PAGE, shaped, ASSETS)
    assert 'id="tile-cac-accuracy"' in html and "18.8%" in html and "target &lt;= 5.0% · off target" in html
    assert "Answers a month for ±5%" in html
    rows = re.findall(r'<tr data-channel="([a-z_]+)">\s*<th scope="row">[a-z_]+</th>\s*<td class="num" '
                      r'data-column="half_width_share"', html)  # fmt: skip
    assert rows == ["paid_search", "display"]  # the calibrated table's order: by spend
    assert 'data-column="survey_answers_for_target" data-value="127">127<' in html
    assert shaped.summary == "Mar 2026: blended CAC $150.0, CAC accuracy ±18.8% (target <= 5.0%)"


def test_the_coverage_chart_is_a_diagnostic_without_a_target_line(rows: CacRows) -> None:
    chart = page_data(rows).chart("coverage")
    assert [t["name"] for t in chart.data] == ["Weekly", "Monthly"] and not chart.layout.get("shapes")


def test_the_month_in_progress_is_marked_on_every_monthly_chart(rows: CacRows) -> None:
    april = [r | {"month_start": APR} for r in rows.default_model if r["month_start"] == MAR]
    shaped = page_data(replace(rows, default_model=[*rows.default_model, *april],
                               complete={FEB: True, MAR: True, APR: False}))  # fmt: skip
    monthly = [c for c in shaped.charts if c.monthly]
    assert {c.id for c in monthly} == {"cac-trend", "spend-vs-customers", "coverage"}
    for chart in monthly:
        labels = [a["text"] for a in chart.layout["annotations"]]
        assert any(label.endswith("Apr 2026 (in progress)") for label in labels), (chart.id, labels)
        assert any(charts.IN_PROGRESS_OPACITY in t["marker"].get("opacity", []) for t in chart.data), chart.id
