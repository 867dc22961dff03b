"""The summary of `make test-spark`: each phase of the demo world's build on Spark and the line
`spark: N models, M tests passed; K of K marts equal to Postgres`.

A plugin (tests/conftest.py's pytest_plugins), not tests/spark/conftest.py: under xdist the controller, which
prints the summary, collects nothing, so it never loads a conftest below tests/; the worker that built the demo
world hands its figures over (xdist's workeroutput) as it ends.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pytest


@dataclass
class SparkRun:
    """What the demo world's build on Spark and the marts' comparison found (tests/spark/test_equal_marts.py),
    for the summary line; None until that part ran."""

    models: int | None = None
    tests: int | None = None
    marts: int | None = None
    marts_equal: int | None = None
    phases: dict[str, float] = field(default_factory=dict)  # seconds each phase took, in the order run

    def summary(self) -> str:
        """`spark: N models, M tests passed; K of K marts equal to Postgres` (the issue's acceptance line)."""
        built = f"{self.models} models, {self.tests} tests passed" if self.models is not None else "not built"
        equal = (
            f"{self.marts_equal} of {self.marts} marts equal to Postgres"
            if self.marts is not None
            else "marts not compared"
        )
        return f"spark: {built}; {equal}"


SPARK_RUN = pytest.StashKey[SparkRun]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SPARK_RUN] = SparkRun()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist (`make test-spark` runs two workers), the worker that built the demo world on Spark hands
    what it found to the controller, which prints the summary."""
    output = getattr(session.config, "workeroutput", None)
    run = session.config.stash.get(SPARK_RUN, None)
    if output is not None and run is not None and run.phases:
        output["spark_run"] = asdict(run)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist's hook on the controller, as each worker ends."""
    found = getattr(node, "workeroutput", {}).get("spark_run")
    if found:
        node.config.stash[SPARK_RUN] = SparkRun(**found)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """How long each phase of the demo world on Spark took, when it was built in this run."""
    run = config.stash.get(SPARK_RUN, None)
    if run is None or not run.phases:
        return
    terminalreporter.write_sep("-", "the demo world on Spark")
    for phase, seconds in run.phases.items():
        terminalreporter.write_line(f"{phase}: {seconds:.1f} s")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The summary line, last of all the run prints (after pytest's own count of passed and failed tests)."""
    run = config.stash.get(SPARK_RUN, None)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if run is not None and run.phases and reporter is not None:
        reporter.write_line(run.summary())
