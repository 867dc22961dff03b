"""The dashboard site built over the bench world: every registered page and the index, timed together.

Issue 26's goals for pages at size: the site in at most 10 s, no page over 2 MB, each page's queries under 1 s.
Each page's build is timed with its queries (a cursor class that times every statement it runs), its size and
the files it writes beside it.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.site import build_index, build_page
from aias_dagster.platform.warehouse import ConnectionSettings


@dataclass
class QueryLog:
    """Seconds of every statement run through a TimedCursor, with the statement's first words."""

    seconds: list[tuple[float, str]] = field(default_factory=list)

    def since(self, start: int) -> tuple[int, float, float, str]:
        """(statements, their seconds, the slowest's seconds, the slowest's first words) after index `start`."""
        taken = self.seconds[start:]
        slowest = max(taken, default=(0.0, ""))
        return len(taken), sum(s for s, _ in taken), slowest[0], slowest[1]


def timed_cursor(log: QueryLog) -> type[psycopg.Cursor[Any]]:
    class TimedCursor(psycopg.Cursor[Any]):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return super().execute(query, params, **kwargs)
            finally:
                text = query.as_string(self) if isinstance(query, sql.Composable) else str(query)
                log.seconds.append((time.perf_counter() - started, " ".join(text.split())[:70]))

    return TimedCursor


def measure_site(settings: ConnectionSettings) -> float:
    """Seconds to build the whole site into an empty folder from the marts the nightly benchmark built."""
    pages = registered_pages()
    print(f"site: {len(pages)} pages and the index ...", flush=True)
    log = QueryLog()
    with tempfile.TemporaryDirectory(prefix="aias-bench-site-") as folder, psycopg.connect(settings.url) as conn:
        conn.cursor_factory = timed_cursor(log)
        started = time.perf_counter()
        for page in pages:
            page_started, first = time.perf_counter(), len(log.seconds)
            result = build_page(conn, page, Path(folder), pages)
            built = time.perf_counter() - page_started
            count, query_s, slowest_s, slowest = log.since(first)
            size, beside = result.path.stat().st_size, len(result.data.files)
            print(
                f"  {page.name:<12} {built:6.2f}s  {count:>3} queries in {query_s:5.2f}s, slowest {slowest_s:5.2f}s"
                f" ({slowest})  {size / 1e6:.2f} MB, {beside} files beside",
                flush=True,
            )
        build_index(conn, Path(folder), pages)
        seconds = time.perf_counter() - started
        largest = max((p.stat().st_size for p in Path(folder).glob("*.html")), default=0)
    print(f"  {seconds:.1f}s (largest page {largest / 1e6:.2f} MB)", flush=True)
    return seconds
