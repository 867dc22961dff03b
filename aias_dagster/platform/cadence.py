"""How often an asset is refreshed, as a tag the jobs select on.

Jobs select by what they are for, never by "everything minus X": the nightly job takes the daily
assets, a monthly billing job the monthly ones, and adding one leaves the other untouched. Loaders are
daily; a dbt model's cadence is its `meta.cadence` (dbt_project.yml sets daily for every model, a folder
may override it).
"""

from __future__ import annotations

import dagster as dg

CADENCE_TAG = "cadence"
DAILY = "daily"
MONTHLY = "monthly"
CADENCES = (DAILY, MONTHLY)


def cadence_tags(cadence: str) -> dict[str, str]:
    if cadence not in CADENCES:
        raise ValueError(f"cadence {cadence!r}: expected one of {', '.join(CADENCES)}")
    return {CADENCE_TAG: cadence}


def assets_of_cadence(cadence: str) -> dg.AssetSelection:
    return dg.AssetSelection.tag(CADENCE_TAG, cadence)
