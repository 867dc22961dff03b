"""Pages and the index as HTML, from Jinja2 templates.

Every page template extends `page.html.j2` (the header, "data as of", the freshness banner, the
scripts) and fills its `body` block; `macros.html.j2` has the pieces pages share (a chart, a figure
tile). The page's own folder is searched before the site's, so a loop's template sits beside its page.

Output depends only on its inputs: no build time, no random ids, JSON with sorted keys (Jinja2's
`tojson` sorts by default), so a rebuild from the same data writes the same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2

from aias_dagster.dashboards.formatting import FILTERS, NOTHING
from aias_dagster.dashboards.page import Freshness, Page, PageData, data_complete_at
from aias_dagster.dashboards.scorecard import ScorecardRow, amount, status_text, target_text

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
    """One loop on the index: its scorecard row (None: the scorecard does not have it yet) and its page."""

    loop: str
    title: str
    owner: str
    row: ScorecardRow | None
    page_file: str | None  # the loop's page, once it has been built; None: no link
    page_summary: str = ""
    has_page: bool = False  # the loop registers a page (built or not)
    policy: Freshness = field(default_factory=Freshness.daily)

    @property
    def status(self) -> str:
        return self.row.status if self.row else "no_data"

    @property
    def value(self) -> str:
        return amount(self.row.value, self.row.unit) if self.row else NOTHING

    @property
    def target(self) -> str:
        return target_text(self.row) if self.row else NOTHING

    @property
    def status_text(self) -> str:
        return status_text(self.row) if self.row else "No data: the scorecard has no row for this loop yet"

    @property
    def freshness(self) -> FreshnessView:
        return FreshnessView(self.row.data_as_of if self.row else None, self.policy)


def render_index(entries: Sequence[IndexEntry], assets: Assets, scorecard_built: bool = True) -> str:
    template = environment().get_template("index.html.j2")
    return template.render(entries=entries, assets=assets, site_title=SITE_TITLE, scorecard_built=scorecard_built)
