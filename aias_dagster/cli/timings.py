"""Where a command's time went: each of its steps, and inside a run, the run's start-up and its longest steps."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from aias_dagster.orchestration.runs import RunOutcome

Outcome = TypeVar("Outcome", bound=RunOutcome | None)


@dataclass(frozen=True)
class StepTime:
    name: str
    seconds: float
    note: str = ""  # what the step ran beside, or why it was short
    run_steps: tuple[tuple[str, float], ...] = ()  # the Dagster steps of the run the step launched


@dataclass
class Stopwatch:
    """The steps of one command, in the order they ended."""

    steps: list[StepTime] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @contextmanager
    def step(self, name: str, note: str = "") -> Iterator[None]:
        began = time.monotonic()
        yield
        self.steps.append(StepTime(name, time.monotonic() - began, note))

    def run(self, name: str, launch: Callable[[], Outcome]) -> Outcome:
        """A step that launches a run: its Dagster steps are kept to say what inside it took the time."""
        began = time.monotonic()
        outcome = launch()
        steps = outcome.steps if outcome is not None else ()
        self.steps.append(StepTime(name, time.monotonic() - began, run_steps=steps))
        return outcome

    def add(self, name: str, seconds: float, note: str = "") -> None:
        self.steps.append(StepTime(name, seconds, note))

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def describe_run(step: StepTime, shown: int) -> str:
    """A run's start-up (launch, the run's process, loading the code) and its `shown` longest steps."""
    inside = sum(seconds for _, seconds in step.run_steps)
    longest = sorted(step.run_steps, key=lambda item: -item[1])
    parts = [f"start-up {max(step.seconds - inside, 0.0):.0f} s"]
    parts += [f"{name} {seconds:.0f} s" for name, seconds in longest[:shown]]
    if rest := longest[shown:]:
        parts.append(f"{len(rest)} other steps {sum(seconds for _, seconds in rest):.0f} s")
    return ", ".join(parts)


def format_timings(steps: Sequence[StepTime], total: float, shown: int = 3) -> list[str]:
    """The closing summary's lines: one a step, with its seconds and what took them."""
    width = max((len(step.name) for step in steps), default=0)
    lines = [f"  where the time went ({total:.0f} s in all):"]
    for step in steps:
        detail = describe_run(step, shown) if step.run_steps else step.note
        lines.append(f"    {step.name:<{width}} {step.seconds:5.0f} s{f'  ({detail})' if detail else ''}")
    return lines
