from pathlib import Path

import pytest

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.dbt.support import Dbt


@pytest.fixture
def dbt(database: ConnectionSettings, tmp_path: Path) -> Dbt:
    """The project's dbt against this test's database (tests/conftest.py), with a target directory of its own."""
    return Dbt(database, tmp_path / "target")
