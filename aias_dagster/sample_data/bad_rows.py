"""Malformed rows for ``--bad-rows``: each a copy of a good row with exactly one defect in one field.

Every kind of defect the contract can detect appears, on every source that can carry it, so the
loader's rejects table can be checked line by line against ``bad_rows.csv`` in the ground truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from aias_dagster.ingest.contract import Column, Kind, Source
from aias_dagster.sample_data.columns import SourceRows

PROBLEMS: tuple[str, ...] = (
    "missing_required",
    "bad_timestamp",
    "bad_date",
    "not_integer",
    "not_decimal",
    "below_minimum",
    "out_of_range",
    "bad_choice",
    "bad_country",
    "bad_currency",
    "bad_json",
    "wrong_field_count",
)
BAD_ROW_SHARE = 0.005
MIN_PER_PROBLEM = 3
MIN_PER_SOURCE = 3
UNUSED_CURRENCIES = ("CHF", "JPY", "SEK")  # valid, but no good row uses them: fresh fx_rates keys
BAD_CHOICES = {
    "segment": ("startup", "consumer"),
    "priority": ("critical", "p1"),
    "channel": ("sms", "fax"),
    "status": ("resolved", "in_progress"),
}


@dataclass(frozen=True)
class BadRow:
    source: str
    day: int
    order: int
    fields: tuple[str, ...]
    field: str  # "" for wrong_field_count: the record, not a field, is wrong
    problem: str


def problem_columns(source: Source, problem: str) -> tuple[str, ...]:
    """Columns of ``source`` that can carry ``problem`` ("" stands for the whole record)."""
    tests = {
        "missing_required": lambda c: c.required and c.default is None,
        "bad_timestamp": lambda c: c.kind is Kind.TIMESTAMP,
        "bad_date": lambda c: c.kind is Kind.DATE,
        "not_integer": lambda c: c.kind is Kind.INTEGER,
        "not_decimal": lambda c: c.kind is Kind.DECIMAL,
        "below_minimum": lambda c: c.minimum is not None and c.maximum is None,
        "out_of_range": lambda c: c.maximum is not None,
        "bad_choice": lambda c: c.kind is Kind.CHOICE,
        "bad_country": lambda c: c.kind is Kind.COUNTRY,
        "bad_currency": lambda c: c.kind is Kind.CURRENCY,
        "bad_json": lambda c: c.kind is Kind.JSON_OBJECT,
    }
    if problem == "wrong_field_count":
        return ("",)
    return tuple(c.name for c in source.columns if tests[problem](c))


def plan_problems(rng: np.random.Generator, sources: dict[str, Source], rows: dict[str, int]) -> dict[str, list[str]]:
    """The defects to inject per source: about BAD_ROW_SHARE of its rows, every problem at least
    MIN_PER_PROBLEM times overall (round-robin over the sources that can carry it)."""
    names = [s for s in sources if rows.get(s, 0) > 0]
    plan: dict[str, list[str]] = {s: [] for s in names}
    for problem in PROBLEMS:
        able = [s for s in names if problem_columns(sources[s], problem)]
        if not able:
            continue
        start = int(rng.integers(len(able)))
        for i in range(MIN_PER_PROBLEM):
            plan[able[(start + i) % len(able)]].append(problem)
    for s in names:
        able = [p for p in PROBLEMS if problem_columns(sources[s], p)]
        missing = max(MIN_PER_SOURCE, round(BAD_ROW_SHARE * rows[s])) - len(plan[s])
        plan[s] += [able[i] for i in rng.integers(0, len(able), max(missing, 0))]
    return plan


def make_bad_rows(rng: np.random.Generator, rows: SourceRows, problems: list[str], first_serial: int) -> list[BadRow]:
    """Copies of random good rows of ``rows`` (same file, fresh key), one defect each."""
    source = rows.source
    picks = rng.integers(0, len(rows), len(problems))
    rendered = rows.render(picks)
    bad = []
    for i, problem in enumerate(problems):  # a few rows per source and day: no vectorising needed
        fields = [str(col[i]) for col in rendered]
        _freshen_key(source, fields, first_serial + i)
        name = str(rng.choice(problem_columns(source, problem)))
        if problem == "wrong_field_count":
            fields = [*fields, "extra"] if rng.random() < 0.5 else fields[:-1]
        else:
            at = source.column_names.index(name)
            fields[at] = bad_value(rng, problem, source.column(name), fields[at])
        bad.append(
            BadRow(source.name, int(rows.day[picks[i]]), int(rows.order[picks[i]]), tuple(fields), name, problem)
        )
    return bad


def _freshen_key(source: Source, fields: list[str], serial: int) -> None:
    """Give the copy a key no good row has, so a loader that wrongly kept it could not overwrite one."""
    text_keys = [k for k in source.key if source.column(k).kind is Kind.TEXT]
    for k in text_keys:
        at = source.column_names.index(k)
        prefix = re.match(r"[A-Za-z]*", fields[at]).group(0) or "X"  # type: ignore[union-attr]
        fields[at] = f"{prefix}X{serial:06d}"
    if not text_keys:
        for k in source.key:
            if source.column(k).kind is Kind.CURRENCY:
                fields[source.column_names.index(k)] = UNUSED_CURRENCIES[serial % len(UNUSED_CURRENCIES)]


def bad_value(rng: np.random.Generator, problem: str, column: Column, good: str) -> str:
    """A value of column with `problem`, in a shape real files carry, drawn by rng (good: the value it replaces)."""
    year = good[:4] if good[:4].isdigit() else "2026"
    if problem == "missing_required":
        return ""
    if problem == "bad_timestamp":
        options = [f"{year}-13-01T00:00:00Z", "yesterday", f"{year}-02-30T10:00:00Z"]
        if len(good) == 20:
            options.append(f"{good[:10]} {good[11:19]}")  # no offset
        return str(rng.choice(options))
    if problem == "bad_date":
        options = [f"{year}-02-30", f"{year}-13-05", "tomorrow"]
        if len(good) == 10:
            options.append(f"{good[5:7]}/{good[8:10]}/{good[:4]}")
        return str(rng.choice(options))
    if problem == "not_integer":
        return str(rng.choice(["12.5", "abc", "seven"]))
    if problem == "not_decimal":
        return str(rng.choice(["12,50", "ten", "1.2.3", "$15.00"]))
    if problem == "below_minimum":
        if column.minimum_exclusive:
            return str(rng.choice(["0", "-1.080000"]))
        return str(rng.choice(["-1", "-5"] if column.kind is Kind.INTEGER else ["-12.50", "-3.2"]))
    if problem == "out_of_range":
        assert column.maximum is not None and column.minimum is not None
        options = [str(int(column.maximum) + 1), str(int(column.minimum) - 1)]
        if column.maximum < 700:
            options.append("700")
        return str(rng.choice(options))
    if problem == "bad_choice":
        return str(rng.choice(BAD_CHOICES.get(column.name, ("other",))))
    if problem == "bad_country":
        return str(rng.choice(["USA", "Germany", "U.S.", "12"]))
    if problem == "bad_currency":
        return str(rng.choice(["EURO", "US$", "dollars", "€"]))
    if problem == "bad_json":
        return str(rng.choice(["{not json", "[1,2]", '"text"', '{"plan":}', "{'plan': 'growth'}"]))
    raise ValueError(f"unknown problem {problem!r}")
