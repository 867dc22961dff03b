"""The plan seeds are the sample world's plans, and cover every pricing model."""

from __future__ import annotations

import csv

from aias_dagster.billing.plans import catalog_from_csv, seeds_dir
from aias_dagster.billing.pricing import PRICING_MODELS
from aias_dagster.sample_data import world


def test_the_generators_plans_are_the_seeds_plans_in_the_same_currencies() -> None:
    catalog = catalog_from_csv()
    seeded = {v.plan_id: v.currency for v in catalog.versions}
    assert seeded == {p.plan_id: p.currency for p in world.PLANS}
    assert set(world.REGIONAL_PLANS.values()) <= set(seeded)


def test_the_seeds_hold_every_pricing_model_a_yen_plan_and_the_minor_units_of_iso_4217() -> None:
    catalog = catalog_from_csv()  # builds every PlanVersion: a malformed tier list fails here
    assert {v.pricing_model for v in catalog.versions} == set(PRICING_MODELS)
    assert any(v.currency == "JPY" for v in catalog.versions)
    assert {v.currency for v in catalog.versions} <= set(catalog.minor_units)
    assert catalog.minor_units["JPY"] == 0 and catalog.minor_units["USD"] == 2
    assert all(catalog.minor_units[c] == 3 for c in ("KWD", "BHD", "JOD", "OMR", "TND"))
    with (seeds_dir() / "plans.csv").open() as f:
        versions = [(r["plan_id"], r["version"]) for r in csv.DictReader(f)]
    assert ("scale", "2") in versions  # a version change inside the demo world (2026-03-16)


def test_customers_in_japan_subscribe_to_the_yen_plan(demo_world) -> None:  # type: ignore[no-untyped-def]
    from tests.billing.oracle import _rows

    country = {r["customer_id"]: r["country"] for _, _, r in _rows(demo_world.landing, "customers", set())}
    plans = {(r["customer_id"], r["plan_id"]) for _, _, r in _rows(demo_world.landing, "subscriptions", set())}
    on_yen = {c for c, p in plans if p == "growth_jp"}
    assert on_yen and all(country[c] == "JP" for c in on_yen)
    assert not any(p == "growth" and country[c] == "JP" for c, p in plans)
