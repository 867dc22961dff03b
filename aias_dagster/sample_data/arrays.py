"""Small vectorised building blocks, so no generator needs a Python loop over its rows."""

from __future__ import annotations

import numpy as np

GOLDEN = 0.6180339887498949  # the golden ratio's fraction: the most evenly spreading step


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ``counts[i]`` children of each parent i: each child's parent and its position 0..count-1."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    first = np.cumsum(counts) - counts
    return parent, np.arange(len(parent)) - first[parent]


def rank_within(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For keys already sorted so that each group is contiguous: rank in the group and group size."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, n])
    group = np.repeat(np.arange(len(starts)), sizes)
    return np.arange(n) - starts[group], sizes[group]


def spread_marks(rank: np.ndarray, step: np.ndarray | float) -> np.ndarray:
    """Systematic sampling: mark a share ``step`` of each group, spread evenly over the group's order.

    With ``step = k / group size`` exactly ``k`` rows are marked (``round(size * step)`` in general),
    and any run of the order holds its fair share to within one row.
    """
    return np.floor((rank + 1) * step + 0.5) > np.floor(rank * step + 0.5)


def hex_strings(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """``n`` random lower-case hex strings of ``width`` characters, without a Python loop."""
    digits = rng.integers(0, 16, size=(n, width), dtype=np.uint32)
    codes = np.where(digits < 10, digits + ord("0"), digits - 10 + ord("a")).astype(np.uint32)
    return np.ascontiguousarray(codes).view(f"<U{width}").ravel()


def balanced_choice(rng: np.random.Generator, weights: tuple[float, ...], n: int, window: int = 16) -> np.ndarray:
    """``n`` indices with the given weights, balanced along the order.

    Any run of rows holds each index close to its weighted share (a golden-ratio sequence), shuffled
    inside small windows so no pattern shows. Keeps monthly group sizes near their expectation even in
    small worlds, where independent draws would leave a channel-month short.
    """
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    points = (rng.random() + np.arange(n) * GOLDEN) % 1.0
    choice = np.minimum(np.searchsorted(cumulative / cumulative[-1], points, side="right"), len(weights) - 1)
    shuffle = np.lexsort((rng.random(n), np.arange(n) // window))
    return choice[shuffle]
