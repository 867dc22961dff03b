"""dbt docs for analysts: generated against the pipeline's database, served on the local machine.

The docs get a target folder of their own (target/docs): `dbt docs generate` writes a manifest.json
too, and the one Dagster reads (target/manifest.json, built by `aias prepare`) must stay the one
Dagster's definitions were loaded from. The connection is the pipeline's (ConnectionSettings.dbt_env,
the embedded server or AIAS_DATABASE_URL), so the catalog describes the tables the pipeline built.

The folder is served by the standard library's HTTP server rather than `dbt docs serve`: it binds the
host given (127.0.0.1 by default) and any port, 0 for a free one (what the tests need), works offline
(index.html is self-contained and reads manifest.json and catalog.json beside it), does not change the
process's working directory as `dbt docs serve` does, and needs no second dbt process.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aias_dagster.platform.warehouse import ConnectionSettings, project_root
from aias_dagster.transform.project import TARGET_PATH, dbt_executable

DOCS_TARGET_PATH = TARGET_PATH / "docs"
GENERATE_TIMEOUT_SECONDS = 600


class DocsError(RuntimeError):
    pass


@dataclass(frozen=True)
class DocsSite:
    """A generated docs folder and what its catalog found in the database."""

    folder: Path
    models: int  # models the project declares (manifest.json)
    relations: int  # tables and views the catalog found in the database (catalog.json)

    def describe(self) -> str:
        return f"{self.models} models, {self.relations} tables and views in the database, from {self.folder}"


def docs_folder(root: Path | None = None) -> Path:
    """Where the docs go: target/docs of the checkout, beside (never onto) Dagster's target/manifest.json."""
    return (root or project_root()) / DOCS_TARGET_PATH


def generate_command(folder: Path, root: Path | None = None) -> list[str]:
    """`dbt docs generate` into folder. No log file (its output is returned on failure); no colours."""
    root = root or project_root()
    return [
        dbt_executable(), "docs", "generate",
        "--project-dir", str(root),
        "--profiles-dir", str(root / "dbt_project"),
        "--target-path", str(folder),
        "--log-level-file", "none",
        "--no-use-colors",
    ]  # fmt: skip


def read_site(folder: Path) -> DocsSite:
    """The counts of a generated folder; a clear error when generation left something out."""
    for name in ("index.html", "manifest.json", "catalog.json"):
        if not (folder / name).exists():
            raise DocsError(f"{folder / name} is missing: `dbt docs generate` did not finish")
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    catalog: dict[str, Any] = json.loads((folder / "catalog.json").read_text())
    models = sum(1 for node in manifest["nodes"].values() if node["resource_type"] == "model")
    return DocsSite(folder, models, len(catalog["nodes"]))


def generate_docs(settings: ConnectionSettings, folder: Path | None = None, root: Path | None = None) -> DocsSite:
    """Run `dbt docs generate` against settings' database into folder (default target/docs)."""
    folder = folder or docs_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **settings.dbt_env(), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        generate_command(folder, root),
        cwd=root or project_root(),
        env=env,
        capture_output=True,
        text=True,
        timeout=GENERATE_TIMEOUT_SECONDS,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        raise DocsError(
            f"dbt docs generate failed against {settings.describe()} (exit {done.returncode}):\n"
            + "\n".join(output[-30:])
        )
    return read_site(folder)


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files of one folder, without a log line per request (the docs page fetches a few)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def docs_server(folder: Path, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    """An HTTP server of folder, bound (port 0: any free port) but not yet serving: call serve_forever()."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    return ThreadingHTTPServer((host, port), handler)


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"
