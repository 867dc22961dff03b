"""Whether a mart built by one engine equals the same mart built by another, and where it does not.

The marts state their precision (dbt_project/macros/marts/mart_precision.sql): money to the cent, customer
counts and shares to 4 places, each rounded once. Two engines computing the same exact values agree on the
rounded ones; a float computed in double precision may differ in its last bits, so a float is equal within
half a unit of the 4th place. Rows are paired by the mart's key (the columns its `unique` or
`unique_combination` test names, mart_keys), so a difference names the key and the column, not a row dump.

Pure functions over rows as the two drivers return them: psycopg (time zone aware timestamps, Decimal) and
Spark (naive timestamps in the session's zone, which the Spark target sets to UTC).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

SHARE_PLACES = 4  # share_places() and customers_places() of mart_precision.sql
FLOAT_TOLERANCE = 0.5 * 10**-SHARE_PLACES
LISTED = 5  # differences named per mart; the count says how many more
# Lineage columns that hold when the build ran (`current_timestamp` at build time: `_processed_at`,
# `_usage_processed_through`, ...) and the scorecard's `built_at` (the start of the build that wrote the row),
# not what it computed: two builds differ there by their clocks alone.
BUILD_TIME_COLUMN = re.compile(r"^(_(\w+_)?processed_(at|through)|built_at)$")


@dataclass(frozen=True)
class MartDifference:
    """How one mart differs between two engines: what to print, and how many rows are involved."""

    mart: str
    rows_differing: int
    lines: tuple[str, ...]

    def describe(self) -> str:
        return "\n".join([f"{self.mart}: {self.rows_differing} row(s) differ", *(f"  {line}" for line in self.lines)])


def normalised(value: Any) -> Any:
    """A value as both engines should hold it: a timestamp in UTC (a naive one taken as UTC), anything else as
    it is (Decimal('2.50') equals and hashes as Decimal('2.5') already)."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return value


def values_equal(left: Any, right: Any) -> bool:
    """Equal as the marts' precision reads them: exact for text, dates, booleans, integers and Decimals (each
    mart rounds its money and shares to a Decimal of fixed places), within half a unit of the 4th place once
    either side is a float."""
    left, right = normalised(left), normalised(right)
    if left is None or right is None:
        return left is None and right is None
    numbers = (int, float, Decimal)
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, numbers) and isinstance(right, numbers):
        if isinstance(left, float) or isinstance(right, float):
            if math.isnan(float(left)) or math.isnan(float(right)):
                return math.isnan(float(left)) and math.isnan(float(right))
            return abs(float(left) - float(right)) <= FLOAT_TOLERANCE
        return Decimal(left) == Decimal(right)
    return left == right


def row_key(row: Mapping[str, Any], key: Sequence[str]) -> tuple[Any, ...]:
    return tuple(normalised(row[column]) for column in key)


def compare_mart(
    mart: str,
    key: Sequence[str],
    expected: Iterable[Mapping[str, Any]],
    actual: Iterable[Mapping[str, Any]],
    expected_name: str = "postgres",
    actual_name: str = "spark",
) -> MartDifference | None:
    """None when the two engines' rows of a mart are equal; else what differs, by key and column.

    Without a key (a mart with no unique test), rows are compared as a multiset, floats rounded to 4 places.
    Columns that hold the build's time (BUILD_TIME_COLUMN) are left out.
    """
    expected, actual = _without_build_time(expected), _without_build_time(actual)
    columns_expected = sorted(expected[0]) if expected else []
    columns_actual = sorted(actual[0]) if actual else []
    if expected and actual and columns_expected != columns_actual:
        only_expected = sorted(set(columns_expected) - set(columns_actual))
        only_actual = sorted(set(columns_actual) - set(columns_expected))
        return MartDifference(
            mart,
            max(len(expected), len(actual)),
            (f"columns only on {expected_name}: {only_expected}; only on {actual_name}: {only_actual}",),
        )
    if not key:
        return _compare_as_multisets(mart, expected, actual, expected_name, actual_name)
    left = {row_key(row, key): row for row in expected}
    right = {row_key(row, key): row for row in actual}
    lines: list[str] = []
    differing = 0
    for name, rows, other in ((expected_name, left, right), (actual_name, right, left)):
        missing = sorted((k for k in rows if k not in other), key=repr)
        differing += len(missing)
        lines += [f"only on {name}: {dict(zip(key, k, strict=True))}" for k in missing[:LISTED]]
        if len(missing) > LISTED:
            lines.append(f"... and {len(missing) - LISTED} more only on {name}")
    changed = 0
    for k in sorted(set(left) & set(right), key=repr):
        columns = [c for c in left[k] if not values_equal(left[k][c], right[k][c])]
        if columns:
            changed += 1
            if changed <= LISTED:
                shown = ", ".join(
                    f"{c}: {expected_name} {left[k][c]!r} vs {actual_name} {right[k][c]!r}" for c in columns
                )
                lines.append(f"{dict(zip(key, k, strict=True))}: {shown}")
    if changed > LISTED:
        lines.append(f"... and {changed - LISTED} more rows with different values")
    differing += changed
    if len(left) != len(expected) or len(right) != len(actual):
        lines.append(
            f"the key {list(key)} is not unique: {len(expected) - len(left)} duplicate(s) on {expected_name}, "
            f"{len(actual) - len(right)} on {actual_name}"
        )
        differing += (len(expected) - len(left)) + (len(actual) - len(right))
    return MartDifference(mart, differing, tuple(lines)) if differing else None


def _without_build_time(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [{column: value for column, value in row.items() if not BUILD_TIME_COLUMN.match(column)} for row in rows]


def _comparable(row: Mapping[str, Any]) -> tuple[Any, ...]:
    values = []
    for column in sorted(row):
        value = normalised(row[column])
        values.append(round(value, SHARE_PLACES) if isinstance(value, float) else value)
    return tuple(values)


def _compare_as_multisets(
    mart: str,
    expected: list[Mapping[str, Any]],
    actual: list[Mapping[str, Any]],
    expected_name: str,
    actual_name: str,
) -> MartDifference | None:
    left, right = Counter(map(_comparable, expected)), Counter(map(_comparable, actual))
    only_left, only_right = left - right, right - left
    if not only_left and not only_right:
        return None
    lines = [f"only on {expected_name}: {row}" for row in list(only_left.elements())[:LISTED]]
    lines += [f"only on {actual_name}: {row}" for row in list(only_right.elements())[:LISTED]]
    return MartDifference(mart, sum(only_left.values()) + sum(only_right.values()), tuple(lines))


def mart_keys(manifest_path: Path) -> dict[str, tuple[str, ...]]:
    """Each mart (`marts.<name>`) and its key: the columns of its `unique_combination` test, else the column of
    its `unique` test; a mart with neither has an empty key (compared as a multiset)."""
    manifest = json.loads(manifest_path.read_text())
    keys: dict[str, tuple[str, ...]] = {
        f"{node['schema']}.{node['name']}": ()
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("attached_node"):
            continue
        model = manifest["nodes"].get(node["attached_node"], {})
        relation = f"{model.get('schema')}.{model.get('name')}"
        if relation not in keys:
            continue
        metadata = node.get("test_metadata") or {}
        if metadata.get("name") == "unique_combination":
            keys[relation] = tuple(metadata["kwargs"]["combination_of_columns"])
        elif metadata.get("name") == "unique" and not keys[relation]:
            keys[relation] = (metadata["kwargs"]["column_name"],)
    return keys
