"""The site on disk: deterministic, self-contained, served by `aias dashboards`, honest about missing pages."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from aias_dagster.acquisition.page import PAGE as CAC_PAGE
from aias_dagster.dashboards.page import Freshness, PageData
from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.site import build_page, plotly_bundle, write_assets, write_index
from tests.conftest import REPO_ROOT, BuiltWorld
from tests.dashboards.conftest import build_site

pytestmark = pytest.mark.slow


def page_metadata(result: dg.ExecuteInProcessResult) -> list[dict[str, object]]:
    """The metadata of each page's materialization in a run."""
    return [
        {k: v.value for k, v in event.step_materialization_data.materialization.metadata.items()}  # type: ignore[union-attr]
        for event in result.get_asset_materialization_events()
    ]


def snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(site.rglob("*")) if p.is_file()
    }


def test_rebuilding_with_no_new_data_changes_no_file(demo_world: BuiltWorld, demo_site: Path, tmp_path: Path) -> None:
    """Same bytes and the same mtimes: no build time in any file, and nothing rewritten that did not change."""
    site = tmp_path / "site"
    first = build_site(demo_world, site)
    before = snapshot(site)
    second = build_site(demo_world, site)
    assert snapshot(site) == before
    # One materialization per page and one of the index, none of which changed a file.
    assert [m["files_changed"] for m in page_metadata(second)] == [0] * (len(registered_pages()) + 1)
    assert all(m["files_changed"] for m in page_metadata(first))
    # A site built elsewhere from the same data is the same site, byte for byte.
    assert {name: content for name, (content, _) in before.items()} == {
        name: content for name, (content, _) in snapshot(demo_site).items()
    }


def test_the_site_needs_nothing_from_the_network(demo_site: Path) -> None:
    """Relative links only, and the chart library is the plotly.js of the pinned wheel, shipped once."""
    name, script = plotly_bundle()
    assert (demo_site / "assets" / name).read_bytes() == script
    assert len(list((demo_site / "assets").glob("plotly-*.min.js"))) == 1
    for page in demo_site.glob("*.html"):
        html = page.read_text()
        links = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert links and all(not re.match(r"^[a-z]+://|^//", link) for link in links), (page.name, links)
        assert all(link.startswith("data:") or (demo_site / link).exists() for link in links), (page.name, links)


def test_the_materialization_says_where_the_page_is_and_how_old_its_data_was(
    demo_world: BuiltWorld, tmp_path: Path
) -> None:
    result = build_site(demo_world, tmp_path / "site")
    by_path = {m["path"]: m for m in page_metadata(result)}  # one materialization per registered page
    metadata = by_path[str(tmp_path / "site" / "cac.html")]
    assert metadata["data_as_of"] == "2026-03-31"
    assert metadata["freshness_at_build"] == "stale"  # the demo world ended months before this test runs
    record = json.loads((tmp_path / "site" / "data" / "cac.json").read_text())
    assert record["as_of"] == "2026-03-31" and record["marts"] == list(CAC_PAGE.marts)
    assert record["marts"][:2] == ["cac_monthly", "metrics_daily"]
    support = by_path[str(tmp_path / "site" / "support.html")]
    assert support["data_as_of"] == "2026-03-31" and support["freshness_at_build"] == "stale"


def test_freshness_is_measured_from_the_end_of_the_newest_delivery_day() -> None:
    policy = Freshness(warn=timedelta(hours=30), fail=timedelta(hours=48))
    day = date(2026, 3, 31)
    end = datetime(2026, 4, 1, tzinfo=UTC)
    assert policy.verdict(day, end + timedelta(hours=2)) == "fresh"  # after the nightly run at 02:00
    assert policy.verdict(day, end + timedelta(hours=31)) == "late"  # one nightly run missed
    assert policy.verdict(day, end + timedelta(hours=49)) == "stale"
    assert policy.verdict(None, end) == "empty"


def test_the_index_lists_a_registered_page_that_was_never_built(tmp_path: Path) -> None:
    assets, _ = write_assets(tmp_path)
    write_index(tmp_path, registered_pages(), assets)
    html = (tmp_path / "index.html").read_text()
    assert "Acquisition: CAC by channel" in html and "Its page is not built yet" in html
    assert 'href="cac.html"' not in html  # no link to a page that does not exist


def test_aias_dashboards_serves_the_site_on_localhost_and_prints_the_url(demo_site: Path) -> None:
    env = {**os.environ, "AIAS_SITE_DIR": str(demo_site)}
    process = subprocess.Popen(
        [sys.executable, "-m", "aias_dagster.cli", "dashboards", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT,
        preexec_fn=as_from_a_shell,
    )  # fmt: skip
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        with urllib.request.urlopen(found.group(0) + "cac.html", timeout=10) as response:
            assert response.status == 200 and b"Acquisition: CAC by channel" in response.read()
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)  # SIGTERM ends it at once; a loaded machine may take a while to schedule it
        except subprocess.TimeoutExpired:
            signals = [line for line in Path(f"/proc/{process.pid}/status").read_text().splitlines() if "Sig" in line]
            process.kill()
            pytest.fail(f"aias dashboards did not end on SIGTERM: {signals}")


def as_from_a_shell() -> None:
    """The child's SIGTERM as a shell leaves it (default, not blocked), whatever the test worker's own state: a
    pass on a fresh clone saw the command outlive SIGTERM twice, in workers that had run Dagster and dbt in process."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def test_aias_dashboards_without_a_site_says_how_to_build_it(tmp_path: Path) -> None:
    env = {**os.environ, "AIAS_SITE_DIR": str(tmp_path / "nothing")}
    done = subprocess.run(
        [sys.executable, "-m", "aias_dagster.cli", "dashboards", "--port", "0"],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "no dashboard site at" in done.stderr and "make demo" in done.stderr


def test_a_page_reads_the_marts_and_cannot_write(demo_world: BuiltWorld, tmp_path: Path) -> None:
    from aias_dagster.acquisition.page import PAGE

    def writes(conn: psycopg.Connection) -> PageData:
        conn.execute("create table marts.written_by_a_page (x int)")
        return PageData(as_of=None, summary="")

    with psycopg.connect(demo_world.settings.url) as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        build_page(conn, dataclasses.replace(PAGE, build=writes), tmp_path, registered_pages())


def test_without_chromium_the_browser_tests_skip_saying_how_to_install_it_but_never_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.dashboards import conftest

    monkeypatch.setattr(conftest, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install chromium"):
        conftest.chromium_path()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"under CI: .ci/run installs it"):
        conftest.chromium_path()
