"""Where the site is written: a setting, like the landing folder."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from aias_dagster.platform.warehouse import aias_home

SITE_DIR_ENV = "AIAS_SITE_DIR"


def default_site_dir() -> Path:
    configured = os.environ.get(SITE_DIR_ENV)
    return Path(configured).resolve() if configured else aias_home() / "site"


class SiteResource(dg.ConfigurableResource):
    """The dashboard site's folder. Empty: AIAS_SITE_DIR, else .aias/site."""

    path: str = ""

    def directory(self) -> Path:
        return Path(self.path).resolve() if self.path else default_site_dir()
