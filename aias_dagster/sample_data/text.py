"""Filling text templates for many rows at once (a loop over templates, never over rows)."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence

import numpy as np


def fill(templates: Sequence[str], choice: np.ndarray, slots: Mapping[str, np.ndarray]) -> np.ndarray:
    """Row i gets ``templates[choice[i]]`` with every ``{slot}`` replaced by ``slots[slot][i]``."""
    out = np.empty(len(choice), dtype=object)
    for t, template in enumerate(templates):
        at = np.flatnonzero(choice == t)
        if not len(at):
            continue
        text = np.full(len(at), "", dtype=object)
        for literal, field, _, _ in string.Formatter().parse(template):
            if literal:
                text = text + literal
            if field is not None:
                text = text + slots[field][at]
        out[at] = text
    return out


def words(rng: np.random.Generator, vocabulary: Sequence[str], n: int) -> np.ndarray:
    """``n`` random picks from ``vocabulary`` as Python strings (object array)."""
    return np.asarray(vocabulary, dtype=object)[rng.integers(0, len(vocabulary), n)]


def numbers(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    """``n`` random integers in [low, high) as Python strings."""
    return rng.integers(low, high, n).astype(str).astype(object)
