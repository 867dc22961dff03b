"""Which sample world a landing folder holds: a marker file beside the sources, written by whoever
generated the world (`aias demo`, `make bench`), so that neither generates the same world twice.

Here, beside the generator, because both the CLI and the bench use it and neither imports the other.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

WORLD_MARKER = "world.json"


@dataclass(frozen=True)
class WorldSpec:
    customers: int
    days: int
    seed: int
    end: str
    tracking_loss: str = "channel"  # sample_data/tracking.py TRACKING_LOSS_MODES


def holds_world(landing: Path, spec: WorldSpec) -> bool:
    """Whether landing already holds a world of this size, seed and tracking loss (a marker without one is
    from before tracking loss was chosen, and its world is replaced).

    The end day is left out on purpose: keeping the world of the first run is what makes a second
    `make demo` a no-op, even on another day.
    """
    marker = landing / WORLD_MARKER
    if not marker.exists():
        return False
    held = json.loads(marker.read_text())
    kept = (held.get("customers"), held.get("days"), held.get("seed"), held.get("tracking_loss"))
    return kept == (spec.customers, spec.days, spec.seed, spec.tracking_loss)


def replace_world(landing: Path, spec: WorldSpec, write: Callable[[], None]) -> None:
    """Empty landing, let write() fill it, and mark it as holding spec's world."""
    if landing.exists():
        shutil.rmtree(landing)
    write()
    (landing / WORLD_MARKER).write_text(json.dumps(asdict(spec)) + "\n")
