"""Columns kept as compact numbers and turned into contract strings only when a file is written.

A 20,000-customer world has millions of rows; as Python or numpy strings they would take gigabytes.
Ids, instants, codes and fixed-point amounts stay int64 until ``render`` formats one file's slice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from aias_dagster.ingest.contract import Source
from aias_dagster.sample_data.timeline import NEVER

MISSING = np.iinfo(np.int64).min  # an empty integer field


class Col(Protocol):
    def __len__(self) -> int: ...

    def render(self, idx: np.ndarray) -> np.ndarray:
        """The field text of the rows ``idx`` ("" = empty field)."""
        ...


@dataclass(frozen=True, eq=False)
class Text:
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.values)

    def render(self, idx: np.ndarray) -> np.ndarray:
        return self.values[idx]


@dataclass(frozen=True, eq=False)
class Coded:
    """A categorical: ``labels[code]``."""

    codes: np.ndarray
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    def render(self, idx: np.ndarray) -> np.ndarray:
        return np.asarray(self.labels, dtype=object)[self.codes[idx]]


@dataclass(frozen=True, eq=False)
class Ident:
    """``prefix`` + zero-padded number, e.g. ``C000123``; a negative number is an empty field."""

    prefix: str
    numbers: np.ndarray
    width: int

    def __len__(self) -> int:
        return len(self.numbers)

    def render(self, idx: np.ndarray) -> np.ndarray:
        numbers = self.numbers[idx]
        return format_ids(self.prefix, numbers, self.width)


@dataclass(frozen=True, eq=False)
class Stamp:
    """UTC seconds as ``2026-03-01T14:03:22Z``; ``NEVER`` is an empty field."""

    seconds: np.ndarray

    def __len__(self) -> int:
        return len(self.seconds)

    def render(self, idx: np.ndarray) -> np.ndarray:
        seconds = self.seconds[idx]
        missing = seconds >= NEVER
        text = np.datetime_as_string(np.where(missing, 0, seconds).astype("M8[s]"), unit="s")
        return np.where(missing, "", np.strings.add(text, "Z"))


@dataclass(frozen=True, eq=False)
class Day:
    """Days since the Unix epoch as ``YYYY-MM-DD``."""

    epoch_days: np.ndarray

    def __len__(self) -> int:
        return len(self.epoch_days)

    def render(self, idx: np.ndarray) -> np.ndarray:
        return np.datetime_as_string(self.epoch_days[idx].astype("M8[D]"))


@dataclass(frozen=True, eq=False)
class Fixed:
    """A non-negative exact decimal stored as integer units of ``10**-decimals`` (cents for money)."""

    units: np.ndarray
    decimals: int

    def __len__(self) -> int:
        return len(self.units)

    def render(self, idx: np.ndarray) -> np.ndarray:
        units = self.units[idx]
        scale = 10**self.decimals
        whole = (units // scale).astype(str)
        frac = np.strings.zfill((units % scale).astype(str), self.decimals)
        return np.strings.add(np.strings.add(whole, "."), frac)


@dataclass(frozen=True, eq=False)
class Integer:
    """An integer; ``MISSING`` is an empty field."""

    values: np.ndarray

    def __len__(self) -> int:
        return len(self.values)

    def render(self, idx: np.ndarray) -> np.ndarray:
        values = self.values[idx]
        return np.where(values == MISSING, "", values.astype(str))


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    numbers = np.asarray(numbers, dtype=np.int64)
    if not len(numbers):
        return np.empty(0, dtype=object)
    text = np.strings.add(prefix, np.strings.zfill(np.maximum(numbers, 0).astype(str), width))
    return np.where(numbers < 0, "", text)


@dataclass(frozen=True, eq=False)
class SourceRows:
    """The rows of one source, each with the world day of the file it is delivered in.

    ``order`` places a row inside its file (its arrival instant: late rows arrive after the day's
    on-time rows of the same instant), so files read like an append-only export.
    """

    source: Source
    columns: Mapping[str, Col]
    day: np.ndarray
    order: np.ndarray

    def __post_init__(self) -> None:
        if tuple(self.columns) != self.source.column_names:
            raise ValueError(f"{self.source.name}: columns {tuple(self.columns)} != contract order")
        sizes = {len(c) for c in self.columns.values()} | {len(self.day), len(self.order)}
        if len(sizes) != 1:
            raise ValueError(f"{self.source.name}: columns of different lengths {sorted(sizes)}")

    def __len__(self) -> int:
        return len(self.day)

    def render(self, idx: np.ndarray) -> list[np.ndarray]:
        """Field texts of the rows ``idx``, one array per column in contract order."""
        if not len(idx):
            return [np.empty(0, dtype=object) for _ in self.columns]
        return [col.render(idx) for col in self.columns.values()]

    def file_order(self) -> np.ndarray:
        """Row indices sorted by delivery day, then arrival order, then generation order."""
        return np.lexsort((np.arange(len(self)), self.order, self.day))
