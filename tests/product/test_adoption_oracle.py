"""Every figure of the product loop's marts equals the independent oracle over the demo world's landing files."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.conftest import BuiltWorld
from tests.dbt.support import query
from tests.product.oracle import Oracle, read_catalog, read_events, read_signups

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def oracle(demo_world: BuiltWorld) -> Oracle:
    return Oracle(read_events(demo_world.landing), read_catalog(demo_world.truth), read_signups(demo_world.truth))


def mart(settings: ConnectionSettings, table: str, key: tuple[str, ...], columns: tuple[str, ...]) -> dict[Any, dict]:
    rows = query(settings, f"select {', '.join(key + columns)} from marts.{table}")
    return {tuple(r[: len(key)]): dict(zip(columns, r[len(key) :], strict=True)) for r in rows}


def differences(expected: dict, actual: dict) -> list:
    """The first few keys whose rows differ, with both rows, for a readable failure."""
    keys = sorted(set(expected) | set(actual), key=str)
    return [(k, expected.get(k), actual.get(k)) for k in keys if expected.get(k) != actual.get(k)][:5]


def test_feature_first_use_equals_the_oracle(demo_world: BuiltWorld, oracle: Oracle) -> None:
    columns = ("first_used_at", "first_user_id", "days_to_adopt", "first_beta_use_at")
    actual = mart(demo_world.settings, "feature_first_use", ("customer_id", "feature"), columns)
    expected = {k: {c: v[c] for c in columns} for k, v in oracle.first_use().items()}
    assert len(expected) > 5000
    assert sum(r["first_beta_use_at"] is not None for r in expected.values()) > 10  # the world's beta testers
    assert differences(expected, actual) == []


def test_feature_adoption_daily_equals_the_oracle(demo_world: BuiltWorld, oracle: Oracle) -> None:
    columns = ("window_start", "window_days", "is_short_window", "active_accounts", "adopters", "adoption_rate",
               "accounts_on_day", "new_adopters", "stickiness")  # fmt: skip
    actual = mart(demo_world.settings, "feature_adoption_daily", ("date_day", "feature"), columns)
    expected = oracle.daily()
    # Six features released before the world (90 days each), ai_assistant on 2026-02-15, workflows on 2026-03-14.
    assert len(expected) == 6 * 90 + 45 + 18
    assert differences(expected, actual) == []


def test_feature_adoption_monthly_equals_the_oracle(demo_world: BuiltWorld, oracle: Oracle) -> None:
    columns = ("active_accounts", "adopters", "adoption_rate", "new_accounts", "repeat_accounts",
               "returning_accounts", "churned_accounts", "median_days_to_adopt", "distinct_users")  # fmt: skip
    actual = mart(demo_world.settings, "feature_adoption_monthly", ("month_start", "feature"), columns)
    expected = oracle.monthly()
    assert len(expected) == 6 * 3 + 2 + 1
    for row in expected.values():
        assert row["new_accounts"] + row["repeat_accounts"] + row["returning_accounts"] == row["adopters"]
    march = expected[(date(2026, 3, 1), "dashboards")]
    assert march["repeat_accounts"] > 0 and march["churned_accounts"] > 0
    assert differences(expected, actual) == []


def test_usage_outside_the_catalog_is_counted_apart(demo_world: BuiltWorld, oracle: Oracle) -> None:
    columns = ("usage_kind", "events", "distinct_accounts", "distinct_users")
    actual = mart(demo_world.settings, "feature_usage_outside_catalog", ("date_day", "feature"), columns)
    expected = oracle.outside_catalog()
    kinds = {r["usage_kind"] for r in expected.values()}
    assert kinds == {"beta", "uncatalogued"}
    assert differences(expected, actual) == []
