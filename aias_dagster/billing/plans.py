"""The plan seeds (dbt_project/seeds/billing/) as `PlanVersion`s, read from the warehouse or from the CSVs.

Both readings go through `plan_versions`, so the billing job and the tests that check the generator's
plans against the seeds agree on what a row means.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg

from aias_dagster.billing.pricing import PlanVersion, Tier
from aias_dagster.platform.warehouse import project_root

SEEDS_SCHEMA = "seeds"


def seeds_dir() -> Path:
    return project_root() / "dbt_project" / "seeds" / "billing"


@dataclass(frozen=True)
class Catalog:
    """Every plan version and the minor units of every currency."""

    versions: tuple[PlanVersion, ...]
    minor_units: dict[str, int]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def plan_versions(
    plans: Iterable[Mapping[str, object]], tiers: Iterable[Mapping[str, object]]
) -> tuple[PlanVersion, ...]:
    by_plan: dict[tuple[str, int], list[tuple[int, Tier]]] = {}
    for row in tiers:
        key = (str(row["plan_id"]), int(str(row["version"])))
        up_to = None if _blank(row["up_to_units"]) else int(str(row["up_to_units"]))
        tier = Tier(up_to, Decimal(str(row["unit_price"])), Decimal(str(row["flat_fee"] or 0)))
        by_plan.setdefault(key, []).append((int(str(row["tier"])), tier))
    out = []
    for row in plans:
        key = (str(row["plan_id"]), int(str(row["version"])))
        effective = row["effective_from"]
        out.append(
            PlanVersion(
                plan_id=key[0],
                version=key[1],
                effective_from=effective if isinstance(effective, date) else date.fromisoformat(str(effective)),
                currency=str(row["currency"]),
                monthly_fee=Decimal(str(row["monthly_fee"])),
                included_units=int(str(row["included_units"])),
                pricing_model=str(row["pricing_model"]),
                tiers=tuple(t for _, t in sorted(by_plan.get(key, []), key=lambda x: x[0])),
                package_size=None if _blank(row["package_size"]) else int(str(row["package_size"])),
                package_price=None if _blank(row["package_price"]) else Decimal(str(row["package_price"])),
            )
        )
    return tuple(out)


def catalog_from_csv(folder: Path | None = None) -> Catalog:
    folder = folder or seeds_dir()

    def rows(name: str) -> list[dict[str, str]]:
        with (folder / f"{name}.csv").open(newline="") as f:
            return list(csv.DictReader(f))

    minor = {r["currency"]: int(r["minor_units"]) for r in rows("currencies")}
    return Catalog(plan_versions(rows("plans"), rows("plan_tiers")), minor)


def catalog_from_warehouse(conn: psycopg.Connection) -> Catalog:
    """The seeds as dbt loaded them (schema `seeds`); the billing job never prices from the CSVs directly."""

    def rows(name: str) -> list[dict[str, object]]:
        with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
            return list(cur.execute(f"select * from {SEEDS_SCHEMA}.{name}"))

    try:
        minor = {str(r["currency"]): int(str(r["minor_units"])) for r in rows("currencies")}
        return Catalog(plan_versions(rows("plans"), rows("plan_tiers")), minor)
    except psycopg.errors.UndefinedTable as exc:
        raise RuntimeError(
            f"the billing seeds are not in the warehouse ({exc.diag.message_primary}): run `aias build` "
            "(or dbt seed) before closing a month"
        ) from exc
