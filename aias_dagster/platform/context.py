"""What every folder's `definitions.build_defs(ctx)` receives: the few settings the code location is built with.

One small object instead of eleven signatures, so that aias_dagster/definitions.py can build every folder
the same way (platform/loops.py: `definition_folders`). A folder takes what it needs and ignores the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import dagster as dg


@dataclass(frozen=True)
class DefsContext:
    """Empty strings resolve from the environment when a run starts (platform/resources.py)."""

    partitions: dg.DailyPartitionsDefinition  # the delivery days, shared by loaders and incremental models
    warehouse_url: str = ""
    landing_dir: str = ""
    site_dir: str = ""  # the dashboard site's folder (dashboards/settings.py)

    @property
    def first_day(self) -> date:
        """The first delivery day: where the daily partitions, and billing's months, start."""
        return self.partitions.start.date()
