"""`aias ui` leaves no process of `dagster dev`'s behind, even one its parent exited without."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path

import psutil

from aias_dagster.cli.ui import LEFTOVER_GRACE_SECONDS, supervise


def forgetful_parent(pid_file: Path) -> str:
    """A parent that starts a long-lived child in its process group and exits without stopping it,
    the way `dagster dev` can leave its code server behind on a busy machine."""
    return (
        "import subprocess, sys; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))"
    )


def test_a_process_the_supervised_command_left_behind_is_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    assert supervise([sys.executable, "-c", forgetful_parent(pid_file)]) == 0
    leftover = int(pid_file.read_text())
    # The kernel ends a killed process asynchronously: on a busy machine it can still be seen for a moment.
    deadline = time.monotonic() + 10
    while psutil.pid_exists(leftover) and time.monotonic() < deadline:
        with contextlib.suppress(psutil.NoSuchProcess):
            if psutil.Process(leftover).status() == psutil.STATUS_ZOMBIE:
                break
        time.sleep(0.1)
    assert not psutil.pid_exists(leftover) or psutil.Process(leftover).status() == psutil.STATUS_ZOMBIE


def test_one_ctrl_c_ends_a_command_that_does_not_stop_within_the_grace_period() -> None:
    # `dagster dev` took 30 s to stop after Ctrl-C and its processes 30-75 s more; the person waited.
    stubborn = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(120)"
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()  # Ctrl-C, once
    started = time.monotonic()
    code = supervise([sys.executable, "-c", stubborn], grace_seconds=2.0)
    elapsed = time.monotonic() - started
    assert code == 130
    assert elapsed < 1.0 + 2.0 + LEFTOVER_GRACE_SECONDS + 2.0, elapsed
