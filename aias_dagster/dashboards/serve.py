"""`aias dashboards`: the site folder over HTTP on this machine.

The standard library's server, as for the dbt docs: the site is static files with relative links, so
any static server works; this one binds 127.0.0.1 by default and any port (0: a free one, for tests).
"""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from pathlib import Path

from aias_dagster.dashboards.site import INDEX
from aias_dagster.transform.docs import docs_server, server_url

__all__ = ["SiteMissingError", "require_site", "server_url", "site_server"]


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


def site_server(site: Path, host: str = "127.0.0.1", port: int = 8090) -> ThreadingHTTPServer:
    """Bound (port 0: any free port) but not yet serving: call serve_forever()."""
    return docs_server(site, host, port)
