"""The five loops and who owns them, named once for Dagster groups, owners and dbt folders."""

from __future__ import annotations

LOOPS: tuple[str, ...] = ("acquisition", "product", "support", "billing", "reliability")

# Owners as the original analysis assigned them.
LOOP_OWNERS: dict[str, str] = {
    "acquisition": "team:data-engineering",
    "product": "team:product",
    "support": "team:support",
    "billing": "team:engineering",
    "reliability": "team:engineering",
}
PLATFORM_OWNER = "team:data-engineering"

INGEST_GROUP = "ingest"
SCORECARD_GROUP = "scorecard"


def owners_of(loop: str | None) -> list[str]:
    return [LOOP_OWNERS.get(loop or "", PLATFORM_OWNER)]
