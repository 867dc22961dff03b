"""Small billing worlds: hand-written subscriptions and requests, loaded by the real loader, read through the
real dbt staging views and seeds.

dbt runs once per session into a template database (raw schema, the two staging views, the billing
seeds, no rows); each test gets a copy of it (`create database ... template`, a fraction of a second)
and loads its own landing files, so tests that change data never share a database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.schema import ensure_raw_schema
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.conftest import create_database, drop_database
from tests.dbt.support import Dbt

BILLING_NODES = (
    "stg_platform__customers",
    "stg_platform__api_requests",
    "stg_platform__subscriptions",
    "plans",
    "plan_tiers",
    "currencies",
)


@pytest.fixture(scope="session")
def billing_template(
    pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path
) -> Iterator[ConnectionSettings]:
    settings = create_database(pg_server, prefix="aias_billing_tmpl")
    try:
        with psycopg.connect(settings.url) as conn:
            ensure_raw_schema(conn)
        dbt = Dbt(settings, tmp_path_factory.mktemp("billing_dbt") / "target")
        built = dbt("build", "--indirect-selection", "cautious", "--select", *BILLING_NODES)
        assert built.returncode == 0, built.output[-4000:]
        yield settings
    finally:
        drop_database(pg_server, settings)


@pytest.fixture
def billing_db(pg_server: ConnectionSettings, billing_template: ConnectionSettings) -> Iterator[ConnectionSettings]:
    settings = create_database(pg_server, prefix="aias_billing", template=billing_template.dbname)
    try:
        yield settings
    finally:
        drop_database(pg_server, settings)
