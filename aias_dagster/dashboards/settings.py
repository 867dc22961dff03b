"""Where the site is: a setting, like the landing folder. Imports nothing heavy, so `aias dashboards` starts at once."""

from __future__ import annotations

import os
from pathlib import Path

from aias_dagster.platform.warehouse import aias_home

SITE_DIR_ENV = "AIAS_SITE_DIR"
INDEX = "index.html"


def default_site_dir() -> Path:
    """AIAS_SITE_DIR, else .aias/site."""
    configured = os.environ.get(SITE_DIR_ENV)
    return Path(configured).resolve() if configured else aias_home() / "site"
