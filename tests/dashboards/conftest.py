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
