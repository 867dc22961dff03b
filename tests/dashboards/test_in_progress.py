"""Every monthly chart of every page marks the month in progress, on a world that ends mid-month.

The demo world ends on the last day of March, so none of its months is in progress. This module builds a small
world of its own once (200 customers, 35 days to 15 March 2026): generated, loaded by the real loader, built
by the real dbt project (models and seeds in one `dbt build`; the data tests run on the demo world), and its
site written by the real page assets. The pages must say "Mar 2026 (in progress)" on every chart that has a
point or bar per month including March and draw that month's marks lighter, because the loop's KPI mart flags
March incomplete, not because of any date rule in the pages.
Measured on the shared 2-core machine (load about 5): load 4 s, dbt build 20 s, site 1.5 s, about 2.5 s a page
in the browser: some 36 s of one worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aias_dagster.platform.kpi import complete_months
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.conftest import BuiltWorld, create_database, drop_database
from tests.dashboards.conftest import build_site
from tests.dashboards.test_browser import DESKTOP, assert_clean, visit

pytestmark = pytest.mark.slow

WORLD_END = date(2026, 3, 15)
IN_PROGRESS = "Mar 2026 (in progress)"
# Billing draws its charts once a month is closed (the billing close and a second dbt build: about 8 s more
# than the budget allows); its usage chart's marking is checked on hand-made rows (tests/billing), and its
# usage mart's flag below.
PAGES = ("cac", "product", "support", "reliability")
LOOPS = ("acquisition", "product", "support", "reliability")

# Per chart: its id, whether the page declares it monthly (data-monthly), whether its x axis is a month axis
# (one tick a month), whether its data holds March, whether it shows the label, and whether any of its points
# or bars is drawn lighter.
CHARTS_JS = """
() => [...document.querySelectorAll('.plot')].map((plot) => {
  const id = plot.parentElement.id;
  const figure = JSON.parse(document.getElementById(plot.dataset.figure).textContent);
  const text = [...plot.querySelectorAll('text')].map((t) => t.textContent).join(' | ');
  const faded = [...plot.querySelectorAll('.point, .point path')].some(
    (p) => parseFloat(getComputedStyle(p).opacity) < 1 || parseFloat(p.style.opacity || '1') < 1);
  const data = JSON.stringify(figure.data);
  return {id, monthly: plot.dataset.monthly === 'true', monthAxis: (figure.layout.xaxis || {}).dtick === 'M1',
          hasMonth: data.includes('2026-03-01') || data.includes('Mar 2026'), text, faded};
})
"""


@pytest.fixture(scope="module")
def mid_month_world(
    pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path
) -> Iterator[BuiltWorld]:
    from aias_dagster.sample_data import generate_world
    from tests.dbt.support import Dbt, load_landing

    folder = tmp_path_factory.mktemp("mid_month_world")
    summary = generate_world(customers=200, days=35, seed=11, out=folder / "landing", end=WORLD_END)
    settings = create_database(pg_server, prefix="aias_midmonth")
    try:
        load_landing(settings, summary.out)
        dbt = Dbt(settings, folder / "target")
        built = dbt("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
        assert built.returncode == 0, built.output[-4000:]
        yield BuiltWorld(settings, summary, dbt.target_path)
    finally:
        drop_database(pg_server, settings)


@pytest.fixture(scope="module")
def mid_month_site(mid_month_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("mid_month_site")
    build_site(mid_month_world, site)
    return site


def test_the_marts_flag_march_in_progress_and_february_complete(mid_month_world: BuiltWorld) -> None:
    import psycopg

    with psycopg.connect(mid_month_world.settings.url) as conn:
        for loop in LOOPS:  # billing's KPI is revenue of closed months, none here: its usage mart says it
            months = complete_months(conn, loop)
            assert months.get(date(2026, 2, 1)) is True and months.get(date(2026, 3, 1)) is False, (loop, months)
        usage = dict(conn.execute("select month_start, is_complete_month from marts.api_usage_monthly").fetchall())
    assert usage[date(2026, 3, 1)] is False and usage[date(2026, 2, 1)] is True


@pytest.mark.parametrize("name", PAGES)
def test_every_monthly_chart_marks_the_month_in_progress(browser: Any, mid_month_site: Path, name: str) -> None:
    seen = visit(browser, (mid_month_site / f"{name}.html").as_uri(), mid_month_site.as_uri() + "/", DESKTOP)
    try:
        assert_clean(seen, mid_month_site.as_uri() + "/")
        found = seen.page.evaluate(CHARTS_JS)
    finally:
        seen.page.context.close()
    monthly = [c for c in found if c["monthly"]]
    assert monthly, f"{name}: no monthly chart on the page ({[c['id'] for c in found]})"
    # A chart with a month axis that does not declare itself monthly would escape the marking.
    assert all(c["monthly"] for c in found if c["monthAxis"]), [c["id"] for c in found if c["monthAxis"]]
    marked = [c for c in monthly if c["hasMonth"]]
    assert marked, f"{name}: no monthly chart shows March"
    for chart in marked:
        assert IN_PROGRESS in chart["text"], (name, chart["id"], chart["text"][:300])
        assert chart["faded"], (name, chart["id"], "no mark of the month in progress is drawn lighter")
    # Billing's revenue is of closed months only: March is not on it, and nothing there says "in progress".
    for chart in found:
        if not (chart["monthly"] and chart["hasMonth"]):
            assert "(in progress)" not in chart["text"], (name, chart["id"])
