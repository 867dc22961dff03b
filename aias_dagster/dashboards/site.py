"""The site on disk: a flat folder of pages, the index, and the shared files under assets/.

```
<site>/index.html          the scorecard: every loop's KPI, status and data age, with a link to its page
<site>/<page>.html         one per page
<site>/assets/             plotly-<version>.min.js (from the plotly wheel), site.css, site.js
<site>/data/<page>.json    what the page's last build recorded, read to write the index
<site>/data/scorecard.json the rows of marts.loop_scorecard the index asset last read
```

The index is written by the index asset (`dashboards/index`, downstream of `marts.loop_scorecard`) and
again by every page build, each time from the records under data/: a page never reads the scorecard's
mart, and the index links a page as soon as it exists.

Relative links only, and nothing from the network: the folder opens from file:// and from any static
server, and can be copied elsewhere whole. A file is written only when its bytes change (atomically,
through a temporary file), so a rebuild from the same data leaves every file, and its mtime, as it was.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.dashboards.page import Page, PageData
from aias_dagster.dashboards.render import Assets, IndexEntry, render_index, render_page
from aias_dagster.dashboards.scorecard import ScorecardRow, read_scorecard
from aias_dagster.dashboards.settings import INDEX
from aias_dagster.platform.loops import LOOP_GROUPS

STATIC = Path(__file__).with_name("static")
ASSETS_DIR = "assets"
RECORDS_DIR = "data"
SCORECARD_RECORD = "scorecard.json"
PLOTLY_VERSION = re.compile(rb"plotly\.js v(\d+\.\d+\.\d+)")


@functools.cache
def plotly_bundle() -> tuple[str, bytes]:
    """The plotly.js the `plotly` wheel ships (pinned in pyproject.toml), named by its version."""
    script = (importlib.resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    found = PLOTLY_VERSION.search(script[:400])
    if not found:
        raise RuntimeError(
            "plotly/package_data/plotly.min.js has no version in its header: is the plotly wheel intact?"
        )
    return f"plotly-{found.group(1).decode()}.min.js", script


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write content to path unless it already holds exactly that; True when the file changed."""
    if path.exists() and path.stat().st_size == len(content) and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def write_assets(site: Path) -> tuple[Assets, list[str]]:
    """The shared files, once per site; an older plotly bundle is removed when the pin moves."""
    name, script = plotly_bundle()
    folder = site / ASSETS_DIR
    files = {name: script, **{p.name: p.read_bytes() for p in sorted(STATIC.iterdir()) if p.is_file()}}
    changed = [f"{ASSETS_DIR}/{n}" for n, content in files.items() if write_if_changed(folder / n, content)]
    for old in folder.glob("plotly-*.min.js"):
        if old.name != name:
            old.unlink()
            changed.append(f"{ASSETS_DIR}/{old.name}")
    return Assets(css=f"{ASSETS_DIR}/site.css", script=f"{ASSETS_DIR}/site.js", plotly=f"{ASSETS_DIR}/{name}"), changed


def page_record(page: Page, data: PageData) -> dict[str, Any]:
    """What the index needs of a page's build. No build time: "data as of" is the data's own date."""
    return {
        "name": page.name,
        "title": page.title,
        "file": page.file_name,
        "group": page.group,
        "marts": list(page.marts),
        "as_of": data.as_of.isoformat() if data.as_of else None,
        "summary": data.summary,
    }


def read_record(site: Path, page: Page) -> dict[str, Any] | None:
    path = site / RECORDS_DIR / f"{page.name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def owner_label(owner: str) -> str:
    """ "team:data-engineering" (Dagster's owner) as people write it: "data engineering"."""
    return owner.removeprefix("team:").replace("-", " ")


def read_scorecard_record(site: Path) -> list[ScorecardRow] | None:
    """The scorecard rows the index asset last wrote; None before it first ran."""
    path = site / RECORDS_DIR / SCORECARD_RECORD
    if not path.exists():
        return None
    return [ScorecardRow.from_record(r) for r in json.loads(path.read_text())["rows"]]


def write_scorecard_record(site: Path, rows: Sequence[ScorecardRow]) -> bool:
    record = json.dumps({"rows": [r.to_record() for r in rows]}, indent=2, sort_keys=True) + "\n"
    return write_if_changed(site / RECORDS_DIR / SCORECARD_RECORD, record.encode())


def index_entries(site: Path, pages: Iterable[Page], scorecard: Sequence[ScorecardRow] | None) -> list[IndexEntry]:
    """One entry per loop of the registry, in its order, whatever the scorecard holds: a loop the mart does
    not have (or a scorecard not built yet) still has its line, saying so."""
    rows = {r.loop: r for r in scorecard or ()}
    by_group = {page.group: page for page in pages}
    entries = []
    for loop in LOOP_GROUPS:
        page = by_group.get(loop.name)
        record = read_record(site, page) if page else None
        entries.append(
            IndexEntry(
                loop=loop.name,
                title=loop.title,
                owner=owner_label(loop.owner),
                row=rows.get(loop.name),
                page_file=page.file_name if page and record else None,
                page_summary=str(record.get("summary", "")) if record else "",
                has_page=page is not None,
            )
        )
    return entries


def write_index(site: Path, pages: Sequence[Page], assets: Assets) -> bool:
    scorecard = read_scorecard_record(site)
    html = render_index(index_entries(site, pages, scorecard), assets, scorecard_built=scorecard is not None)
    return write_if_changed(site / INDEX, html.encode())


@dataclass(frozen=True)
class IndexBuild:
    """What building the index did: the scorecard it shows and which files changed."""

    rows: tuple[ScorecardRow, ...]
    path: Path
    changed: tuple[str, ...]

    def metadata(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "url": self.path.as_uri(),
            "statuses": ", ".join(f"{r.loop} {r.status}" for r in self.rows),
            "files_changed": len(self.changed),
        }


def build_index(conn: psycopg.Connection, site: Path, pages: Sequence[Page]) -> IndexBuild:
    """Read marts.loop_scorecard (read-only), record it, and write the index; only files whose bytes changed."""
    conn.rollback()
    conn.read_only = True
    try:
        rows = tuple(read_scorecard(conn))
    finally:
        conn.rollback()
        conn.read_only = False
    assets, changed = write_assets(site)
    if write_scorecard_record(site, rows):
        changed.append(f"{RECORDS_DIR}/{SCORECARD_RECORD}")
    if write_index(site, pages, assets):
        changed.append(INDEX)
    return IndexBuild(rows, site / INDEX, tuple(changed))


@dataclass(frozen=True)
class PageBuild:
    """What building one page did: its data, where it went, and which files changed."""

    page: Page
    data: PageData
    path: Path
    changed: tuple[str, ...]

    def metadata(self, now: datetime) -> dict[str, Any]:
        """For the asset's materialization: the UI answers "how old is this page's data" without opening it."""
        return {
            "path": str(self.path),
            "url": self.path.as_uri(),
            "data_as_of": self.data.as_of.isoformat() if self.data.as_of else "no data yet",
            "freshness_at_build": self.page.freshness.verdict(self.data.as_of, now),
            "summary": self.data.summary,
            "files_changed": len(self.changed),
            "charts": len(self.data.charts),
        }


def build_page(conn: psycopg.Connection, page: Page, site: Path, pages: Sequence[Page]) -> PageBuild:
    """Read the page's marts, write its HTML, its record and the index; only files whose bytes changed.

    The page reads in a read-only transaction: a page's function that tried to write would fail its build.
    """
    conn.rollback()
    conn.read_only = True
    try:
        data = page.build(conn)
    finally:
        conn.rollback()
        conn.read_only = False
    assets, changed = write_assets(site)
    path = site / page.file_name
    if write_if_changed(path, render_page(page, data, assets).encode()):
        changed.append(page.file_name)
    for name, content in sorted(data.files.items()):
        if write_if_changed(site / name, content.encode()):
            changed.append(name)
    record = json.dumps(page_record(page, data), indent=2, sort_keys=True) + "\n"
    if write_if_changed(site / RECORDS_DIR / f"{page.name}.json", record.encode()):
        changed.append(f"{RECORDS_DIR}/{page.name}.json")
    if write_index(site, pages, assets):
        changed.append(INDEX)
    return PageBuild(page, data, path, tuple(changed))
