"""The site on disk: a flat folder of pages, the index, and the shared files under assets/.

```
<site>/index.html          every registered page with its data age
<site>/<page>.html         one per page
<site>/assets/             plotly-<version>.min.js (from the plotly wheel), site.css, site.js
<site>/data/<page>.json    what the page's last build recorded, read to write the index
```

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
from aias_dagster.dashboards.settings import INDEX
from aias_dagster.platform.loops import group

STATIC = Path(__file__).with_name("static")
ASSETS_DIR = "assets"
RECORDS_DIR = "data"
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


def index_entries(site: Path, pages: Iterable[Page]) -> list[IndexEntry]:
    return [
        IndexEntry(
            title=page.title,
            file=page.file_name,
            owner=owner_label(group(page.group).owner),
            description=page.description,
            record=read_record(site, page),
            policy=page.freshness,
        )
        for page in pages
    ]


def write_index(site: Path, pages: Sequence[Page], assets: Assets) -> bool:
    html = render_index(index_entries(site, pages), assets)
    return write_if_changed(site / INDEX, html.encode())


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
    record = json.dumps(page_record(page, data), indent=2, sort_keys=True) + "\n"
    if write_if_changed(site / RECORDS_DIR / f"{page.name}.json", record.encode()):
        changed.append(f"{RECORDS_DIR}/{page.name}.json")
    if write_index(site, pages, assets):
        changed.append(INDEX)
    return PageBuild(page, data, path, tuple(changed))
