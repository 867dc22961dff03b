"""Generated worlds shared by the sample-data tests (generated once per session; tests only read)."""

from __future__ import annotations

from datetime import date

import pytest

from aias_dagster.sample_data import WorldSummary, generate_world

END = date(2026, 3, 31)


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> WorldSummary:
    """200 customers over 20 days, with bad rows: file layout, contract, versions."""
    root = tmp_path_factory.mktemp("small_world")
    return generate_world(customers=200, days=20, seed=7, out=root / "landing", end=END, bad_rows=True)


@pytest.fixture(scope="session")
def clean_world(tmp_path_factory: pytest.TempPathFactory) -> WorldSummary:
    """1,000 customers over 62 days, no bad rows: enough customers per channel and month for the
    attribution and stratification checks."""
    root = tmp_path_factory.mktemp("clean_world")
    return generate_world(customers=1000, days=62, seed=11, out=root / "landing", end=END)
