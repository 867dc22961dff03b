"""`aias ui` leaves no process of `dagster dev`'s behind, even one its parent exited without."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil

from aias_dagster.cli.ui import supervise


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
    assert not psutil.pid_exists(leftover) or psutil.Process(leftover).status() == psutil.STATUS_ZOMBIE
