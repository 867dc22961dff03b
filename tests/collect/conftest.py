from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.collect.support import RunningCollector, start_collector
from tests.conftest import create_database, drop_database


@pytest.fixture(scope="module")
def collect_db(pg_server: ConnectionSettings) -> Iterator[ConnectionSettings]:
    """One database for a module's collector: the tests send distinct ids, so they share it."""
    settings = create_database(pg_server, prefix="aias_collect")
    try:
        yield settings
    finally:
        drop_database(pg_server, settings)


@pytest.fixture(scope="module")
def collector(collect_db: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCollector]:
    running = start_collector(collect_db, Path(tmp_path_factory.mktemp("collect_home")))
    try:
        yield running
    finally:
        running.stop()
