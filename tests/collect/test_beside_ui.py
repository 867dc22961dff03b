"""`aias ui` runs the collector in a thread beside Dagster; a port already taken does not stop the UI."""

from __future__ import annotations

from pathlib import Path

import requests

from aias_dagster.collect.server import collector_beside
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.collect.support import free_port
from tests.conftest import REPO_ROOT


def test_the_collector_beside_the_ui_answers_and_a_taken_port_is_said_not_fatal(
    collect_db: ConnectionSettings, tmp_path: Path
) -> None:
    said: list[str] = []
    port = free_port()
    with collector_beside(collect_db.url, tmp_path, REPO_ROOT, "127.0.0.1", port, said.append) as url:
        assert url == f"http://127.0.0.1:{port}"
        assert requests.get(f"{url}/healthz", timeout=10).json()["status"] == "ok"
        with collector_beside(collect_db.url, tmp_path, REPO_ROOT, "127.0.0.1", port, said.append) as second:
            assert second is None
    assert said[0] == f"aias collect: listening on {url} (Ctrl-C stops it)"
    assert said[-2:] == [
        f"aias collect: could not listen on {url} (port taken?); the UI starts without it",
        "aias collect: stopped",
    ]
