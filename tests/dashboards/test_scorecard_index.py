"""The index page is the scorecard: in Chromium, each loop's status, value and data age are the mart's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.scorecard import STATUS_WORDS, ScorecardRow
from aias_dagster.dashboards.site import write_assets, write_index, write_scorecard_record
from aias_dagster.platform.loops import GROUPS, LOOPS
from tests.conftest import BuiltWorld
from tests.dashboards.test_browser import DESKTOP, FRESH_MOMENT, assert_clean, visit
from tests.dbt.support import query

pytestmark = pytest.mark.slow

# The stripe of each status (site.css), as the browser computes it.
STRIPES = {"green": "rgb(30, 107, 58)", "yellow": "rgb(230, 159, 0)", "red": "rgb(155, 28, 0)"}


def age_text(as_of: Any, now: datetime) -> str:
    """What site.js writes after "Data as of ...": hours below two days, whole days above."""
    hours = int((now - datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC)).total_seconds() // 3600)
    return f"({hours} hours old)" if hours < 48 else f"({hours // 24} days old)"


def test_each_status_shown_on_the_index_equals_the_scorecard_mart(
    browser: Any, demo_site: Path, demo_world: BuiltWorld
) -> None:
    mart = query(
        demo_world.settings,
        "select loop_name, status, kpi_value, data_as_of from marts.loop_scorecard order by loop_order",
    )
    seen = visit(browser, (demo_site / "index.html").as_uri(), demo_site.as_uri() + "/", DESKTOP, FRESH_MOMENT)
    try:
        assert_clean(seen, demo_site.as_uri() + "/")
        rows = seen.page.locator(".scorecard-row").all()
        shown = [(r.get_attribute("data-loop"), r.get_attribute("data-status")) for r in rows]
        assert shown == [(loop, status) for loop, status, _, _ in mart]
        assert [loop for loop, _ in shown] == list(LOOPS)
        for row, (loop, status, value, as_of) in zip(rows, mart, strict=True):
            badge = row.locator(".status-badge")
            assert badge.inner_text() == STATUS_WORDS[status] and status in (badge.get_attribute("class") or "")
            if status in STRIPES:
                stripe = row.evaluate("(el) => getComputedStyle(el).borderLeftColor")
                assert stripe == STRIPES[status], (loop, status, stripe)
            assert row.locator(".kpi-value").get_attribute("data-value") == str(value), loop
            assert age_text(as_of, FRESH_MOMENT) in row.locator(".as-of").inner_text(), loop
            page = GROUPS[loop].page
            if page:
                assert row.locator("h2 a").count() == 1, loop
            else:
                assert "No dashboard page for this loop yet" in row.inner_text()
        print("index statuses:", shown)
        # Each linked page opens from its row.
        seen.page.locator('.scorecard-row[data-loop="support"] h2 a').click()
        seen.page.wait_for_load_state()
        assert seen.page.url.endswith("/support.html")
    finally:
        seen.page.context.close()


def test_the_index_says_plainly_when_a_loop_has_no_data(tmp_path: Path) -> None:
    assets, _ = write_assets(tmp_path)
    write_index(tmp_path, registered_pages(), assets)
    before = (tmp_path / "index.html").read_text()
    assert "The scorecard has not been built yet" in before
    assert before.count('data-status="no_data"') == len(LOOPS)

    empty = ScorecardRow(
        loop="billing", month_start=None, owner="team:engineering", kpi="API revenue (USD)", value=None,
        target=Decimal(1000), comparison="more_than", unit="usd", status="no_data",
        detail=None, data_as_of=None, original_delay_days="14–30", data_age_days=None,
    )  # fmt: skip
    write_scorecard_record(tmp_path, [empty])
    write_index(tmp_path, registered_pages(), assets)
    html = (tmp_path / "index.html").read_text()
    assert "The scorecard has not been built yet" not in html
    assert "No data: the loop&#39;s marts are empty" in html
    assert "No data: the scorecard has no row for this loop yet" in html  # the four loops the record lacks
    assert "&gt; $1,000</span>" in html  # the target, as the contract states it
