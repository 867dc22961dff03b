"""Assembles the code location from its folders. Nothing else lives here.

Every folder the registry names (platform/loops.py: `definition_folders`) exposes the same entry,
`aias_dagster/<folder>/definitions.py: build_defs(ctx: DefsContext) -> dg.Definitions`, imported by name,
so a new loop is a registry line, not an edit here.
"""

import importlib
from datetime import date

import dagster as dg

from aias_dagster.ingest.partitions import landing_partitions
from aias_dagster.platform.context import DefsContext
from aias_dagster.platform.loops import PACKAGE, definition_folders
from aias_dagster.platform.partitions import delivery_partitions
from aias_dagster.platform.resources import LandingResource


def folder_defs(folder: str, ctx: DefsContext) -> dg.Definitions:
    return importlib.import_module(f"{PACKAGE}.{folder}.definitions").build_defs(ctx)


def build_definitions(
    warehouse_url: str = "", landing_dir: str = "", first_day: date | None = None, site_dir: str = ""
) -> dg.Definitions:
    """Empty arguments resolve from the environment; partitions start at the landing folder's first day."""
    landing = LandingResource(path=landing_dir).directory()
    partitions = delivery_partitions(first_day) if first_day else landing_partitions(landing)
    ctx = DefsContext(partitions, warehouse_url=warehouse_url, landing_dir=landing_dir, site_dir=site_dir)
    return dg.Definitions.merge(*(folder_defs(folder, ctx) for folder in definition_folders()))


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
