"""The dashboard site of the demo world, built by the page assets in a real Dagster run, and a browser.

The browser is Debian's chromium driven by Playwright (no browser download). Where it is missing the
browser tests skip with the command that installs it, except under CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from aias_dagster.dashboards.assets import site_assets
from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.resources import SiteResource
from aias_dagster.dashboards.serve import server_url, site_server
from aias_dagster.platform.resources import WarehouseResource
from tests.conftest import BuiltWorld

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def build_site(world: BuiltWorld, site: Path) -> dg.ExecuteInProcessResult:
    """Every registered page of the world's marts and the index, as the nightly run builds them."""
    result = dg.materialize(
        site_assets(registered_pages()),
        resources={"warehouse": WarehouseResource(url=world.settings.url), "site": SiteResource(path=str(site))},
        instance=dg.DagsterInstance.ephemeral(),
        selection=dg.AssetSelection.groups("dashboards"),
    )
    assert result.success
    return result


def close_demo_months(world: BuiltWorld, target: Path) -> None:
    """The demo world's complete months closed by the real billing asset, and the revenue mart rebuilt.

    As tests/billing/test_demo_billing.py does: it writes only the billing schema and is idempotent, so the
    site is the same whichever of the two closes first, and the billing page shows a closed month.
    """
    from datetime import date

    from aias_dagster.billing.assets import build_billing_assets, month_partitions
    from tests.dbt.support import Dbt

    closed = dg.materialize(
        [build_billing_assets(month_partitions(date(2026, 1, 1)))],
        partition_key="2026-03-01",  # catches up January and February first
        resources={"warehouse": WarehouseResource(url=world.settings.url)},
        run_config={"ops": {"billing_close": {"config": {"force": False}}}},
    )
    assert closed.success
    # The revenue mart and what reads it (the scorecard), so the index shows the closed months' revenue.
    built = Dbt(world.settings, target)("build", "--select", "api_revenue_monthly+")
    assert built.returncode == 0, built.output[-3000:]


def write_demo_intervals(world: BuiltWorld) -> None:
    """The calibrated CAC's intervals, by the real asset, as the nightly run writes them before the pages.

    It replaces its own table only (marts.cac_monthly_intervals), so a re-run leaves the world as it was.
    """
    from aias_dagster.acquisition.assets import cac_monthly_intervals

    written = dg.materialize(
        [cac_monthly_intervals],
        resources={"warehouse": WarehouseResource(url=world.settings.url)},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert written.success


@pytest.fixture(scope="session")
def demo_site(demo_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the demo world, whose months are closed and intervals written (tests/conftest.py)."""
    site = tmp_path_factory.mktemp("demo_site")
    build_site(demo_world, site)
    return site


def chromium_path() -> str:
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"no Chromium at {CHROMIUM} under CI: .ci/run installs it with `apt-get install chromium`")
    pytest.skip("no Chromium for the browser tests: apt-get install chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def site_url(demo_site: Path) -> Iterator[str]:
    """The demo site from a plain static HTTP server on 127.0.0.1 (the one `aias dashboards` runs)."""
    server = site_server(demo_site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_url(server)
    finally:
        server.shutdown()
        server.server_close()
