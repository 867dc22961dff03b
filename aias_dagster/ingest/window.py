"""Load every delivered file of one source for a range of delivery days, and report on it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql

from aias_dagster.ingest.contract import Source
from aias_dagster.ingest.landing import LandingError, ignored_files, landing_file
from aias_dagster.ingest.loader import LoadResult, load_file
from aias_dagster.ingest.schema import ensure_raw_schema
from aias_dagster.platform.roles import ROLES, act_as
from aias_dagster.platform.warehouse import ConnectionSettings


@dataclass(frozen=True)
class WindowReport:
    """What a load of several delivery days did, summed for the Dagster UI and the demo summary."""

    source: str
    results: tuple[LoadResult, ...]
    missing_days: tuple[date, ...]
    ignored_files: tuple[tuple[str, str], ...] = ()  # (file name, why) of files in the folder never loaded
    failed_files: tuple[str, ...] = ()  # one line per file that could not be loaded at all

    @property
    def physical_lines(self) -> int:
        return sum(r.physical_lines for r in self._new)

    @property
    def _new(self) -> list[LoadResult]:
        """Files loaded by this run; unchanged files were loaded before and add nothing now."""
        return [r for r in self.results if not r.skipped]

    @property
    def lines(self) -> int:
        return sum(r.lines for r in self._new)

    @property
    def loaded(self) -> int:
        return sum(r.loaded for r in self._new)

    @property
    def rejected(self) -> int:
        return sum(r.rejected for r in self._new)

    @property
    def files_loaded(self) -> int:
        return sum(1 for r in self.results if not r.skipped)

    @property
    def files_unchanged(self) -> int:
        return sum(1 for r in self.results if r.skipped)

    @property
    def extra_columns(self) -> tuple[str, ...]:
        return tuple(sorted({c for r in self.results for c in r.extra_columns}))

    def rejects_markdown(self, limit: int = 10) -> str:
        rows = [(r.file, line, reason) for r in self.results for line, reason in r.sample_rejects][:limit]
        if not rows:
            return "No rejected rows."
        table = ["| file | line | reason |", "|---|---|---|"]
        table += [f"| {Path(f).name} | {line} | {reason.replace('|', '/')} |" for f, line, reason in rows]
        return "\n".join(table)


def load_days(conn: psycopg.Connection, source: Source, landing_dir: Path, days: Iterable[date]) -> WindowReport:
    """Load the file of each day that has one; days without a file are reported, not failed.

    A missing delivery is usually a late one: the freshness policy on the raw asset is what
    raises it, while the files that did arrive still load. A file that cannot be loaded at all
    (an unreadable gzip, a missing column) does not stop the other days: they load, and then one
    LandingError names every such file, one line each.
    """
    results: list[LoadResult] = []
    missing: list[date] = []
    failed: list[str] = []
    with conn.transaction():
        # The roles, then the raw schema, in a short transaction of their own: the locks of ensuring them
        # are not held through a file's load, and come before its load lock (loader.take_load_lock).
        act_as(conn, ROLES.loader)
        ensure_raw_schema(conn)
    for day in days:
        try:
            path = landing_file(landing_dir, source.name, day)
            if path is None:
                missing.append(day)
                continue
            display = str(path.relative_to(landing_dir)) if path.is_relative_to(landing_dir) else str(path)
            results.append(load_file(conn, source, path, display_name=display, ensure_schema=False))
        except LandingError as exc:
            failed.append(str(exc))
    report = WindowReport(
        source.name, tuple(results), tuple(missing), tuple(ignored_files(landing_dir, source.name)), tuple(failed)
    )
    if report.files_loaded:
        # Fresh statistics right after a bulk load: without them the planner may pick a nested loop
        # over a table it believes is empty (autovacuum's analyze comes too late for the same run).
        conn.execute(sql.SQL("analyze {}").format(sql.Identifier("raw", source.name)))
        conn.commit()
    if failed:
        raise WindowLoadError(report)
    return report


class WindowLoadError(LandingError):
    """Some files of a window could not be loaded; the others were. Carries the report of what loaded."""

    def __init__(self, report: WindowReport) -> None:
        others = f"the window's {len(report.results)} other file(s) were loaded"
        if len(report.failed_files) == 1:
            message = f"{report.failed_files[0]} ({others})"
        else:
            message = f"{report.source}: {len(report.failed_files)} files could not be loaded ({others}):\n"
            message += "\n".join(report.failed_files)
        super().__init__(message)
        self.report = report


def load_sources(
    settings: ConnectionSettings,
    sources: Sequence[Source],
    landing_dir: Path,
    days: Sequence[date],
    workers: int | None = None,
) -> list[WindowReport]:
    """load_days for each source, `workers` sources at a time (default: one per core), each on its own connection.

    Postgres does the loading, so threads keep every core busy: the client only streams bytes. Loads of
    different sources take different load locks and never wait for each other; the biggest sources go
    first so that the last one to finish is a small one. Reports come back in the order of `sources`.
    """
    workers = workers or os.cpu_count() or 1

    def load(source: Source) -> WindowReport:
        with psycopg.connect(settings.url) as conn:
            return load_days(conn, source, landing_dir, days)

    def size(source: Source) -> int:
        return sum(p.stat().st_size for d in days if (p := landing_file(landing_dir, source.name, d)) is not None)

    biggest_first = sorted(sources, key=size, reverse=True)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = dict(zip(biggest_first, pool.map(load, biggest_first), strict=True))
    return [reports[source] for source in sources]
