"""The dashboard site built over the bench world: every registered page and the index, timed together."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import psycopg

from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.site import build_index, build_page
from aias_dagster.platform.warehouse import ConnectionSettings


def measure_site(settings: ConnectionSettings) -> float:
    """Seconds to build the whole site into an empty folder from the marts the nightly benchmark built."""
    pages = registered_pages()
    print(f"site: {len(pages)} pages and the index ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="aias-bench-site-") as folder, psycopg.connect(settings.url) as conn:
        started = time.perf_counter()
        for page in pages:
            build_page(conn, page, Path(folder), pages)
        build_index(conn, Path(folder), pages)
        seconds = time.perf_counter() - started
        largest = max((p.stat().st_size for p in Path(folder).glob("*.html")), default=0)
    print(f"  {seconds:.1f}s (largest page {largest / 1e6:.2f} MB)", flush=True)
    return seconds
