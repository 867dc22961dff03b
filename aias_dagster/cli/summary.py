"""What is in the warehouse now, as a short table for the end of `aias demo` and `aias load`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from aias_dagster.ingest.contract import SOURCES


@dataclass(frozen=True)
class SourceCounts:
    source: str
    files: int
    lines: int
    loaded: int
    rejected: int
    raw_rows: int
    staging_rows: int | None


def staging_model(source: str) -> str:
    return f"stg_platform__{source}"


def _relation_exists(conn: psycopg.Connection, schema: str, name: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", (f"{schema}.{name}",)).fetchone()[0]  # type: ignore[index]


def source_counts(conn: psycopg.Connection, with_staging: bool = True) -> list[SourceCounts]:
    """Per source: the files and lines loaded, the rows of raw and (with_staging) of its staging view. On Spark
    the staging views are in the lake, not in Postgres: their counts are left out (None), not read from the
    few a Python asset reads and the build publishes."""
    audit = {
        row[0]: row[1:]
        for row in conn.execute(
            "select source, count(*), sum(lines), sum(loaded), sum(rejected) from raw.load_audit group by source"
        )
    }
    counts = []
    for source in SOURCES:
        files, lines, loaded, rejected = audit.get(source.name, (0, 0, 0, 0))
        raw_rows = conn.execute(
            sql.SQL("select count(*) from {}").format(sql.Identifier("raw", source.name))
        ).fetchone()[0]  # type: ignore[index]
        staging = None
        if with_staging and _relation_exists(conn, "staging", staging_model(source.name)):
            staging = conn.execute(
                sql.SQL("select count(*) from {}").format(sql.Identifier("staging", staging_model(source.name)))
            ).fetchone()[0]  # type: ignore[index]
        counts.append(
            SourceCounts(source.name, files, int(lines or 0), int(loaded or 0), int(rejected or 0), raw_rows, staging)
        )
    return counts


def format_counts(counts: list[SourceCounts]) -> str:
    header = f"  {'source':<17}{'files':>6}{'lines':>10}{'loaded':>10}{'rejected':>9}{'raw rows':>10}{'staging':>10}"
    lines = [header]
    for c in counts:
        staging = "-" if c.staging_rows is None else str(c.staging_rows)
        lines.append(
            f"  {c.source:<17}{c.files:>6}{c.lines:>10}{c.loaded:>10}{c.rejected:>9}{c.raw_rows:>10}{staging:>10}"
        )
    total = sum(c.lines for c in counts), sum(c.loaded for c in counts), sum(c.rejected for c in counts)
    lines.append(f"  {'total':<17}{'':>6}{total[0]:>10}{total[1]:>10}{total[2]:>9}")
    return "\n".join(lines)


def format_ignored(loader_metadata: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The landing files a load passed over (a name that is not a delivery day), one line each, or None."""
    lines = [
        f"  ignored in {key.removeprefix('raw/')}: {meta['ignored_files']}"
        for key, meta in sorted(loader_metadata.items())
        if meta.get("ignored_files", "none") != "none"
    ]
    return "\n".join(lines) if lines else None
