"""The world's calendar: every instant is an int64 count of UTC seconds since the Unix epoch.

Integers keep the generators vectorised and exact; strings are made only when a file is written.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60
NEVER = np.int64(2**62)  # "no such instant" (not converted, not ended, ...); sorts after every real one
_EPOCH = date(1970, 1, 1)


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per part of the world, so changing one part leaves the others."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


@dataclass(frozen=True)
class Timeline:
    """``days`` whole UTC days starting at ``start``."""

    start: date
    days: int

    @classmethod
    def ending(cls, end: date, days: int) -> Timeline:
        return cls(end - timedelta(days=days - 1), days)

    @property
    def end(self) -> date:
        """The last day of the world (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def start_s(self) -> int:
        return (self.start - _EPOCH).days * DAY

    @property
    def end_s(self) -> int:
        """First second after the world (exclusive)."""
        return self.start_s + self.days * DAY

    @property
    def last_day(self) -> int:
        return self.days - 1

    def day_of(self, seconds: np.ndarray) -> np.ndarray:
        """World day index of each instant (negative before the world)."""
        return np.floor_divide(np.asarray(seconds, dtype=np.int64) - self.start_s, DAY)

    def day_start(self, day: np.ndarray | int) -> np.ndarray:
        return self.start_s + np.asarray(day, dtype=np.int64) * DAY

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=int(day))

    def weekday_factor(self, weekend: float) -> np.ndarray:
        """Per world day: 1 on weekdays, ``weekend`` on Saturdays and Sundays."""
        weekday = (np.arange(self.days) + self.start.weekday()) % 7
        return np.where(weekday >= 5, weekend, 1.0)

    def months(self) -> np.ndarray:
        """Per world day: its calendar month as a numpy month number (months since 1970-01)."""
        return month_of(self.day_start(np.arange(self.days)))


def month_of(seconds: np.ndarray) -> np.ndarray:
    """Calendar month (months since 1970-01) of each instant."""
    return np.asarray(seconds, dtype=np.int64).astype("M8[s]").astype("M8[M]").astype(np.int64)


def month_start_s(month: np.ndarray) -> np.ndarray:
    return np.asarray(month, dtype=np.int64).astype("M8[M]").astype("M8[s]").astype(np.int64)


def clock(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds into the day with a business-hours peak (UTC afternoon: Europe and the Americas overlap)."""
    peaked = rng.normal(15 * HOUR, 4 * HOUR, n)
    flat = rng.uniform(0, DAY, n)
    seconds = np.where(rng.random(n) < 0.7, peaked, flat)
    return np.clip(seconds, 0, DAY - 1).astype(np.int64)


def pick(rng: np.random.Generator, weights: np.ndarray | tuple[float, ...], n: int) -> np.ndarray:
    """``n`` indices drawn with the given (unnormalised) weights."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())
