"""The feature catalog seed is the sample world's catalog, so the world's adoption can be checked against it."""

from __future__ import annotations

import csv
from datetime import date

from aias_dagster.sample_data import world
from tests.conftest import REPO_ROOT

CATALOG = REPO_ROOT / "dbt_project" / "seeds" / "product" / "feature_catalog.csv"


def test_the_newest_catalog_version_names_the_worlds_features_and_release_days() -> None:
    with CATALOG.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    newest = max(int(r["version"]) for r in rows)
    catalog = {r["feature"]: date.fromisoformat(r["released_on"]) for r in rows if int(r["version"]) == newest}
    assert catalog == {f.name: f.released_on for f in world.FEATURES}
    assert all(r["owner"].startswith("team:") and r["description"] for r in rows)
    # The world's uncatalogued names must stay out of the catalog, or the loop could not show them.
    assert not set(world.UNCATALOGUED_FEATURES) & set(catalog)
