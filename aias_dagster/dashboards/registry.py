"""Every page of the site: each group's `<group>/page.py` `PAGE` (platform/loops.py), in the registry's order."""

from __future__ import annotations

from aias_dagster.dashboards.page import Page
from aias_dagster.platform.loops import GROUPS


class PageRegistryError(ValueError):
    """A group names a page that is not a Page, or one that claims another group."""


def registered_pages() -> tuple[Page, ...]:
    """Imported when the definitions are built (never at import time), so a broken page fails the load by name."""
    pages = []
    for g in GROUPS.values():
        page = g.load_page()
        if page is None:
            continue
        if not isinstance(page, Page):
            raise PageRegistryError(f"group {g.name!r}: {g.module('page')}.PAGE is a {type(page).__name__}, not a Page")
        if page.group != g.name:
            raise PageRegistryError(f"group {g.name!r} names page {page.name!r}, whose group is {page.group!r}")
        pages.append(page)
    names = [p.name for p in pages]
    if len(set(names)) != len(names):
        raise PageRegistryError(f"two pages share a name: {names}")
    return tuple(pages)
