"""`make ui` serves the code location: the webserver loads workspace.yaml and shows our groups."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

QUERY = "{ assetNodes { assetKey { path } groupName } }"
SCHEDULES = (
    '{ schedulesOrError(repositorySelector: {repositoryName: "__repository__", repositoryLocationName: "aias_loops"})'
    " { ... on Schedules { results { name cronSchedule pipelineName } } } }"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_the_webserver_shows_the_groups_the_dbt_models_and_the_nightly_schedule(
    tmp_path: Path, dbt_manifest: Path
) -> None:
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "dagster_webserver", "-w", str(REPO_ROOT / "workspace.yaml"),
               "-h", "127.0.0.1", "-p", str(port)]  # fmt: skip
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        nodes = None
        while time.monotonic() < deadline and not nodes:
            time.sleep(2)
            try:
                nodes = graphql(port, QUERY)["data"]["assetNodes"]
            except (OSError, KeyError, TypeError):
                continue
        assert nodes, "the webserver did not answer within 120 s"
        groups = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
        assert groups["raw/customers"] == "ingest"
        assert groups["staging/stg_platform__customers"] == "acquisition"
        assert groups["marts/metrics_daily"] == "acquisition"
        schedules = graphql(port, SCHEDULES)["data"]["schedulesOrError"]["results"]
        assert {"name": "nightly", "cronSchedule": "0 2 * * *", "pipelineName": "nightly"} in schedules
    finally:
        server.terminate()
        server.wait(timeout=30)
