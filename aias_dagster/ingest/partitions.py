"""The delivery-day partitions of a landing folder.

Here, not in platform/partitions.py: they start at the folder's first delivery day, which only the
landing layout knows (ingest/landing.py), and platform imports nothing above it.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from aias_dagster.ingest.landing import first_delivery_day
from aias_dagster.platform.partitions import delivery_partitions, partitions_start


def landing_partitions(landing_dir: Path) -> dg.DailyPartitionsDefinition:
    """The partitions of a landing folder: from its first delivery day (or AIAS_PARTITIONS_START) on."""
    return delivery_partitions(partitions_start(first_delivery_day(landing_dir)))
