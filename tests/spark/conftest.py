"""Tests that run on Apache Spark (pyspark's local session): marked `spark`, skipped unless asked for.

`pytest -m spark tests/spark` (or AIAS_SPARK_TESTS=1) runs them; they need pyspark and dbt-spark installed
(`pip install "dbt-spark[session]" pyspark`) and Java 17. The main suite never starts Spark.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

SPARK_TESTS_ENV = "AIAS_SPARK_TESTS"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs on a local Spark session; skipped unless -m spark is given")


def spark_tests_asked(config: pytest.Config) -> bool:
    """Asked for by `-m spark` (or any marker expression naming spark) or by AIAS_SPARK_TESTS=1."""
    return "spark" in (config.getoption("markexpr") or "") or os.environ.get(SPARK_TESTS_ENV) == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    asked = spark_tests_asked(config)
    installed = all(importlib.util.find_spec(name) for name in ("pyspark", "dbt.adapters.spark"))
    if not asked:
        reason = "Spark tests run only when asked: pytest -m spark (or AIAS_SPARK_TESTS=1)"
    elif not installed:
        reason = "pyspark and dbt-spark are not installed"
    else:
        return
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.skip(reason=reason))
