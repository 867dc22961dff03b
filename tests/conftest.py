"""Real Postgres for every test: the embedded server, or the one AIAS_DATABASE_URL names.

Each test that asks for `database` gets a database of its own, dropped afterwards, so no test
depends on what an earlier test or run left behind.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings, start_embedded_server

REPO_ROOT = Path(__file__).resolve().parents[1]


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
