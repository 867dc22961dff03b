"""`aias dashboards`: the site folder over HTTP on this machine.

The standard library's server, as for the dbt docs: the site is static files with relative links, so
any static server works; this one binds 127.0.0.1 by default and any port (0: a free one, for tests).
It imports neither Dagster nor dbt, so the command starts in a moment.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aias_dagster.dashboards.settings import INDEX


class SiteMissingError(RuntimeError):
    pass


def require_site(site: Path) -> Path:
    """The site's index, or an error that says how to build it."""
    index = site / INDEX
    if not index.exists():
        raise SiteMissingError(
            f"no dashboard site at {site} yet: `make demo` (or `aias build`) builds it after the marts, "
            "`aias dashboards --build` from the marts as they are; AIAS_SITE_DIR sets another folder"
        )
    return index


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files of the site folder, without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def site_server(site: Path, host: str = "127.0.0.1", port: int = 8090) -> ThreadingHTTPServer:
    """Bound (port 0: any free port) but not yet serving: call serve_forever()."""
    return ThreadingHTTPServer((host, port), functools.partial(_QuietHandler, directory=str(site)))


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"
