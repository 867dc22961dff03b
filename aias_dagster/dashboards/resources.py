"""Where the site is written, as a Dagster resource (the setting itself is in settings.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from aias_dagster.dashboards.settings import default_site_dir


class SiteResource(dg.ConfigurableResource):
    """The dashboard site's folder. Empty: AIAS_SITE_DIR, else .aias/site."""

    path: str = ""

    def directory(self) -> Path:
        return Path(self.path).resolve() if self.path else default_site_dir()
