"""Plain-Python readings of the survey for the calibrated-CAC tests: the seed's rules applied to answers
as int_acquisition__survey_answers applies them, and generated customers as calibration.Customers."""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from aias_dagster.acquisition.calibration import Customers
from aias_dagster.sample_data import world
from aias_dagster.sample_data.customers import build_customers
from aias_dagster.sample_data.timeline import NEVER, Timeline, month_of, rng_for
from tests.conftest import REPO_ROOT

SEED_FILE = REPO_ROOT / "dbt_project" / "seeds" / "acquisition" / "heard_about_us_mapping.csv"
PAID = set(world.PAID_CHANNELS)


@cache
def rules(path: Path = SEED_FILE) -> tuple[tuple[int, re.Pattern[str], str], ...]:
    """(priority, pattern, channel) of the newest version, in priority order; `like` as a regular expression."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    newest = max(int(r["version"]) for r in rows)
    chosen = sorted(
        (int(r["priority"]), r["answer_pattern"], r["channel"]) for r in rows if int(r["version"]) == newest
    )
    like = {"%": ".*", "_": "."}
    compiled = []
    for priority, pattern, channel in chosen:
        regex = "".join(like.get(ch, re.escape(ch)) for ch in pattern)
        compiled.append((priority, re.compile(f"^{regex}$", re.DOTALL), channel))
    return tuple(compiled)


def words(answer: str | None) -> str | None:
    cleaned = re.sub(r"[^a-z0-9]+", " ", (answer or "").lower()).strip()
    return f" {cleaned} " if cleaned else None


def classify(answer: str | None) -> tuple[int, str] | None:
    """(rule priority, channel) of an answer, None when it is no answer."""
    text = words(answer)
    if text is None:
        return None
    for priority, pattern, channel in rules():
        if pattern.match(text):
            return priority, channel
    return None


def generated_customers(
    customers: int, seed: int, tracking_loss: str = "channel", days: int = 90
) -> tuple[Customers, np.ndarray]:
    """A world's customers as the calibration reads them (tracked channel = the true one, which the default
    attribution recovers for every trackable customer: tests/sample_data), and the TRUE new paying customers
    per (month, channel)."""
    timeline = Timeline.ending(date(2026, 3, 31), days)
    people = build_customers(
        rng_for(seed, "customers"),
        timeline,
        customers,
        tracking_rng=rng_for(seed, "tracking"),
        survey_rng=rng_for(seed, "heard_about_us"),
        tracking_loss=tracking_loss,
    )
    channels = tuple(sorted(world.CHANNELS))
    code = np.asarray([channels.index(c) for c in world.CHANNELS])[people.channel]
    priorities = sorted({p for p, _, _ in rules()})
    answer = [classify(text) for text in people.heard_about_us]
    rule = np.asarray([-1 if a is None else priorities.index(a[0]) for a in answer], dtype=np.int64)
    paying = people.converted_s < NEVER
    month = np.where(paying, month_of(np.where(paying, people.converted_s, 0)), -1)
    months = np.unique(month[paying])
    month_code = np.where(paying, np.searchsorted(months, month), -1)
    truth = np.zeros((len(months), len(channels)))
    np.add.at(truth, (month_code[paying], code[paying]), 1)
    as_dates = tuple(date(1970 + int(m) // 12, int(m) % 12 + 1, 1) for m in months)
    c = Customers(np.where(people.trackable, code, -1), rule, month_code, channels, as_dates, len(priorities))
    return c, truth
