"""Tests that run on Apache Spark (pyspark's local session), marked `spark`.

pyproject's addopts leave them out of `make test` (`-m 'not spark'`); `make test-spark` (`pytest -m spark`,
two workers: the demo world's build on one, the other modules beside it) runs them after `make install-spark`
has installed dbt-spark and pyspark (Java 17 needed). Asked for without those packages, they are skipped with
that reason rather than failing at import.
"""

from __future__ import annotations

import importlib.util

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if all(importlib.util.find_spec(name) for name in ("pyspark", "dbt.adapters.spark")):
        return
    reason = "pyspark and dbt-spark are not installed: make install-spark"
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.skip(reason=reason))
