"""Pages and the index as HTML, from Jinja2 templates.

Every page template extends `page.html.j2` (the header, "data as of", the freshness banner, the
scripts) and fills its `body` block; `macros.html.j2` has the pieces pages share (a chart, a figure
tile). The page's own folder is searched before the site's, so a loop's template sits beside its page.

Output depends only on its inputs: no build time, no random ids, JSON with sorted keys (Jinja2's
`tojson` sorts by default), so a rebuild from the same data writes the same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from aias_dagster.dashboards.formatting import FILTERS
from aias_dagster.dashboards.page import Freshness, Page, PageData, data_complete_at

TEMPLATES = Path(__file__).with_name("templates")
RESERVED = frozenset({"page", "data", "charts", "assets", "freshness", "site_title"})
SITE_TITLE = "aias-loops dashboards"


@dataclass(frozen=True)
class Assets:
    """Paths of the shared files, relative to a page (the site is flat, so relative to the site)."""

    css: str
    script: str
    plotly: str


@dataclass(frozen=True)
class FreshnessView:
    """What the page says about its age; the browser judges it when the page is opened (site.js)."""

    as_of: date | None
    policy: Freshness

    @property
    def complete_at(self) -> str:
        """The end of the newest delivery day, ISO 8601 UTC: site.js measures the age from it."""
        return "" if self.as_of is None else data_complete_at(self.as_of).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def warn_hours(self) -> int:
        return int(self.policy.warn.total_seconds() // 3600)

    @property
    def fail_hours(self) -> int:
        return int(self.policy.fail.total_seconds() // 3600)


@functools.cache
def environment(page_dir: Path | None = None) -> jinja2.Environment:
    """Strict (an unknown name fails the build instead of printing nothing) and autoescaped."""
    folders = [str(page_dir)] if page_dir else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(TEMPLATES)]),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def render_page(page: Page, data: PageData, assets: Assets) -> str:
    clash = RESERVED & set(data.context)
    if clash:
        raise ValueError(f"page {page.name!r}: context names {sorted(clash)} are reserved by the site's templates")
    template = environment(page.template.parent).get_template(page.template.name)
    return template.render(
        **data.context,
        page=page,
        data=data,
        charts={chart.id: chart for chart in data.charts},
        assets=assets,
        freshness=FreshnessView(data.as_of, page.freshness),
        site_title=SITE_TITLE,
    )


@dataclass(frozen=True)
class IndexEntry:
    """One line of the index: a page, and what its last build recorded (None: not built yet)."""

    title: str
    file: str
    owner: str
    description: str
    record: Mapping[str, Any] | None
    policy: Freshness

    @property
    def as_of(self) -> date | None:
        value = self.record.get("as_of") if self.record else None
        return date.fromisoformat(value) if value else None

    @property
    def summary(self) -> str:
        return str(self.record.get("summary", "")) if self.record else ""

    @property
    def freshness(self) -> FreshnessView:
        return FreshnessView(self.as_of, self.policy)


def render_index(entries: Sequence[IndexEntry], assets: Assets) -> str:
    template = environment().get_template("index.html.j2")
    return template.render(entries=entries, assets=assets, site_title=SITE_TITLE)
