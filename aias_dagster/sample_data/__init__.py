"""A deterministic sample world of a SaaS/API company: the landing files of the nine raw sources and
the ground truth the five loops are tested against. ``generate_world`` is the one entry point."""

from aias_dagster.sample_data.generate import WorldSummary, generate_world

__all__ = ["WorldSummary", "generate_world"]
