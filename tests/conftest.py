"""Real Postgres for every test: the embedded server, or the one AIAS_DATABASE_URL names.

Each test that asks for `database` gets a database of its own, dropped afterwards, so no test
depends on what an earlier test or run left behind.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings, start_embedded_server
from aias_dagster.sample_data import WorldSummary

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the runs of a test session write the dashboard site: never the checkout's .aias/site."""
    from aias_dagster.dashboards.settings import SITE_DIR_ENV

    folder = tmp_path_factory.mktemp("site")
    previous = os.environ.get(SITE_DIR_ENV)
    os.environ[SITE_DIR_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(SITE_DIR_ENV, None)
    else:
        os.environ[SITE_DIR_ENV] = previous


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> ConnectionSettings:
    """Settings for the server's maintenance database `postgres`."""
    configured = os.environ.get(DATABASE_URL_ENV)
    if configured:
        return ConnectionSettings(configured).with_database("postgres")
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    return start_embedded_server(tmp_path_factory.mktemp("pg") / "pgdata", cleanup="delete")


def create_database(server: ConnectionSettings, prefix: str = "aias_t") -> ConnectionSettings:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return server.with_database(name)


def drop_database(server: ConnectionSettings, settings: ConnectionSettings) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{settings.dbname}" with (force)')


@pytest.fixture
def database(pg_server: ConnectionSettings) -> Iterator[ConnectionSettings]:
    settings = create_database(pg_server)
    try:
        yield settings
    finally:
        drop_database(pg_server, settings)


@pytest.fixture
def conn(database: ConnectionSettings) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database.url) as connection:
        yield connection


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The manifest, built once per session the way `make prepare` builds it."""
    from aias_dagster.transform.project import prepare_manifest

    return prepare_manifest()


# The demo's world, fixed in time so that every session sees the same months. Loop tests assert many
# things on this one build instead of building a world each (the suite's time budget).
DEMO_WORLD_END = date(2026, 3, 31)


@dataclass(frozen=True)
class BuiltWorld:
    """A generated world, loaded by the real loader and built by the real dbt project (`dbt build`)."""

    settings: ConnectionSettings  # the database holding raw, staging and marts
    summary: WorldSummary  # what the generator wrote; summary.out is landing, summary.truth_out the truth
    target_path: Path  # dbt's target directory of the build (manifest, run_results.json)

    @property
    def landing(self) -> Path:
        return self.summary.out

    @property
    def truth(self) -> Path:
        return self.summary.truth_out


@pytest.fixture(scope="session")
def demo_world(
    pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path
) -> Iterator[BuiltWorld]:
    """The demo's world (2,000 customers, 90 days, seed 7) in a database of its own, built once per session,
    with its remediations run (ops.remediations) as `make demo` runs them.

    Tests only read it. A test that changes data builds a world of its own.
    """
    from aias_dagster.reliability.demo import run_demo_remediations
    from aias_dagster.reliability.jobs import REMEDIATION_MODELS_KEY
    from aias_dagster.sample_data import generate_world
    from tests.dbt.support import Dbt, load_landing

    root = tmp_path_factory.mktemp("demo_world")
    summary = generate_world(customers=2000, days=90, seed=7, out=root / "landing", end=DEMO_WORLD_END)
    settings = create_database(pg_server, prefix="aias_demo")
    try:
        load_landing(settings, summary.out)
        dbt = Dbt(settings, root / "target")
        built = dbt("build")
        assert built.returncode == 0, built.output[-4000:]
        # As `make demo` does: the playbooks replayed on the world's clock against the local stand-in, then
        # the models that read the ledger rebuilt, so the world has auto-fixed errors (issue 13's 20 % KPI).
        remediated = run_demo_remediations(settings, seed=7)
        assert remediated.outcomes["succeeded"] > 0, remediated.describe()
        rebuilt = dbt("build", "--select", f"{REMEDIATION_MODELS_KEY.path[-1]}+")  # the models reading the ledger
        assert rebuilt.returncode == 0, rebuilt.output[-4000:]
        yield BuiltWorld(settings, summary, dbt.target_path)
    finally:
        drop_database(pg_server, settings)
