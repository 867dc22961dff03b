"""The scorecard against the registry of loops, as an asset check on `marts.loop_scorecard`.

The targets seed names the loops and their owners for dbt; the registry (platform/loops.py) names them for
Dagster. A loop added to one and not the other would vanish from the scorecard, or show another owner than
its assets, without any dbt test noticing: this check compares the two on every build.
"""

from __future__ import annotations

import dagster as dg

from aias_dagster.dashboards.scorecard import SCORECARD_MART, ScorecardRow, read_scorecard
from aias_dagster.platform.loops import LOOP_GROUPS
from aias_dagster.platform.resources import WarehouseResource

LOOP_SCORECARD = dg.AssetKey(["marts", SCORECARD_MART])


def registry_mismatches(rows: list[ScorecardRow]) -> list[str]:
    """What differs between the scorecard's rows and the registry's loops, in words; empty when they agree."""
    expected = {g.name: g.owner for g in LOOP_GROUPS}
    found = {r.loop: r.owner for r in rows}
    problems = [f"{loop}: no row on the scorecard" for loop in expected if loop not in found]
    problems += [f"{loop}: on the scorecard but not a loop of the registry" for loop in found if loop not in expected]
    problems += [
        f"{loop}: owner {found[loop]!r} on the scorecard, {owner!r} in the registry"
        for loop, owner in expected.items()
        if loop in found and found[loop] != owner
    ]
    if [r.loop for r in rows if r.loop in expected] != [g.name for g in LOOP_GROUPS if g.name in found]:
        problems.append("the scorecard's order differs from the registry's")
    return problems


def registry_result(rows: list[ScorecardRow]) -> dg.AssetCheckResult:
    problems = registry_mismatches(rows)
    return dg.AssetCheckResult(
        passed=not problems,
        description="; ".join(problems) if problems else f"{len(rows)} loops, as the registry names them",
        metadata={
            "statuses": ", ".join(f"{r.loop} {r.status}" for r in rows),
            "problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none"),
        },
    )


@dg.asset_check(asset=LOOP_SCORECARD, name="every_registered_loop_is_on_the_scorecard", blocking=False)
def every_registered_loop_is_on_the_scorecard(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """One row per loop of the registry, in its order, with the registry's owner (seeds/scorecard/)."""
    with warehouse.connect() as conn:
        return registry_result(read_scorecard(conn))
