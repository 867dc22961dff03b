"""Exponential backoff with full jitter, and the playbooks that set it."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from aias_dagster.platform.warehouse import project_root


@dataclass(frozen=True)
class Playbook:
    version: int
    category: str
    action: str
    max_attempts: int
    base_delay_seconds: float
    cap_seconds: float


def playbooks_path() -> Path:
    return project_root() / "dbt_project" / "seeds" / "reliability" / "remediation_playbooks.csv"


def load_playbooks(path: Path | None = None) -> dict[str, Playbook]:
    """The newest version of the playbook seed, by category: the same file dbt loads as a seed."""
    path = path or playbooks_path()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            Playbook(int(r["version"]), r["category"], r["action"], int(r["max_attempts"]),
                     float(r["base_delay_seconds"]), float(r["cap_seconds"]))
            for r in csv.DictReader(handle)
        ]  # fmt: skip
    newest = max(p.version for p in rows)
    return {p.category: p for p in rows if p.version == newest}


def backoff_bound(attempt: int, base: float, cap: float) -> float:
    """The longest wait after failed attempt `attempt` (1-based): min(cap, base * 2^(attempt-1))."""
    return min(cap, base * 2 ** (attempt - 1))


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """A uniform wait in [0, bound]: retries of many clients spread out instead of arriving together."""
    return rng.uniform(0.0, backoff_bound(attempt, base, cap))
