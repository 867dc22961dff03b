"""Dagster resources: the warehouse connection and the landing folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import psycopg

from aias_dagster.platform.warehouse import LANDING_DIR_ENV, ConnectionSettings, aias_home, connect, warehouse_settings


def default_landing_dir() -> Path:
    configured = os.environ.get(LANDING_DIR_ENV)
    return Path(configured).resolve() if configured else aias_home() / "landing"


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse Postgres. Empty url: AIAS_DATABASE_URL, else the embedded server."""

    url: str = ""

    def settings(self) -> ConnectionSettings:
        return ConnectionSettings(self.url) if self.url else warehouse_settings()

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        with connect(self.settings()) as conn:
            yield conn


class LandingResource(dg.ConfigurableResource):
    """The landing folder: `<path>/<source>/<YYYY-MM-DD>.csv[.gz]`. Empty: AIAS_LANDING_DIR or .aias/landing."""

    path: str = ""

    def directory(self) -> Path:
        return Path(self.path).resolve() if self.path else default_landing_dir()
