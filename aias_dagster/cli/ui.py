"""`aias ui`: Dagster's webserver and daemon (`dagster dev`), with the remediation endpoint they call.

The command stays the parent of `dagster dev` instead of replacing itself with it, because it holds
the local remediation stand-in (aias_dagster/reliability/local_endpoint.py) that the daemon's sensor
calls, and must stop it once Dagster has stopped. `dagster dev` runs in a process group of its own,
so Ctrl-C reaches it once, from here, and its orderly shutdown of webserver and daemon is not cut
short by a second interrupt.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from types import FrameType

from aias_dagster.reliability.local_endpoint import remediation_endpoint

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# How long `dagster dev` gets to stop on its own after Ctrl-C before its process group is ended. Its own
# shutdown waits up to 30 s for each of webserver and daemon: the UI kept answering for 30 s and the
# processes lingered a minute more, while the person who pressed Ctrl-C waited. Nothing of theirs needs it:
# a run in flight is marked failed by run monitoring, as it would be after any stop.
GRACE_SECONDS = 2.0
LEFTOVER_GRACE_SECONDS = 3.0
POLL_SECONDS = 0.25


# `dagster dev` warns at every start that it is superseded by `dg dev`, of a package (dagster-dg-cli) that
# the platform does not install: a warning the person starting the UI can do nothing about.
SUPERSEDED_WARNING = "ignore:Function `dev_command` is superseded"


def dagster_dev_command(python: str, workspace: str, host: str, port: int) -> list[str]:
    return [python, "-W", SUPERSEDED_WARNING, "-m", "dagster", "dev", "-w", workspace, "-h", host, "-p", str(port)]


def supervise(command: Sequence[str], grace_seconds: float = GRACE_SECONDS) -> int:
    """Run command to its end; a stop signal to this process is passed on once as SIGINT (Ctrl-C).

    Returns the child's exit code (130 when its process group had to be ended after the grace period).
    """
    child = subprocess.Popen(list(command), process_group=0)
    stop_requested: list[float] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        if not stop_requested and child.poll() is None:
            child.send_signal(signal.SIGINT)
        stop_requested.append(time.monotonic())

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    try:
        while True:
            try:
                return child.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                if stop_requested and time.monotonic() - stop_requested[0] > grace_seconds:
                    stop_process_group(child.pid)
                    child.wait()
                    return 130
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if child.poll() is None:  # an error here, not a stop: leave no Dagster behind
            child.kill()
            child.wait()
        stop_process_group(child.pid)


def stop_process_group(pgid: int, grace_seconds: float = LEFTOVER_GRACE_SECONDS) -> None:
    """End what `dagster dev` left in its process group: SIGTERM, then SIGKILL after the grace period.

    On a busy machine `dagster dev` can exit before its code server has, and a code server that never
    received a heartbeat does not notice its parent is gone: without this it outlives `aias ui`.
    """
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def serve_ui(command: Sequence[str], ui_url: str, say: Callable[[str], None]) -> int:
    """The remediation endpoint first (its URL must be in the environment `dagster dev` inherits), then Dagster."""
    with remediation_endpoint(say):
        say(f"Dagster UI on {ui_url} (webserver and daemon; Ctrl-C stops both and the remediation endpoint)")
        code = supervise(command)
    say(f"aias ui: stopped (dagster dev exited with {code})")
    return 0 if code in (0, 130, -signal.SIGINT) else code
