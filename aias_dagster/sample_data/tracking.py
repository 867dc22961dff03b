"""Which customers the website tracker can never link to a customer id.

The attribution loop apportions unattributed customers by the tracked channel mix; that estimate is
only right when untrackable customers are spread evenly over channels and months. So they are chosen
by stratified, systematic assignment, not by chance: within every (true channel, conversion month)
group and every (true channel, signup month) group the untrackable count is the group's share,
rounded.
"""

from __future__ import annotations

import numpy as np

from aias_dagster.sample_data.arrays import rank_within, spread_marks

UNTRACKABLE_SHARE = 0.18
_KEY = 1_000_000  # channel * _KEY + month never collides (months since 1970 stay far below it)


def stratified_untrackable(
    channel: np.ndarray, signup_month: np.ndarray, conversion_month: np.ndarray, share: float
) -> np.ndarray:
    """Mask of untrackable customers; ``conversion_month`` is -1 for customers that never paid."""
    n = len(channel)
    untrackable = np.zeros(n, dtype=bool)
    paying = conversion_month >= 0

    # Paying customers: exact share per (channel, conversion month), marks spread over signup months.
    idx = np.flatnonzero(paying)
    idx = idx[np.lexsort((idx, signup_month[idx], conversion_month[idx], channel[idx]))]
    rank, _ = rank_within(channel[idx] * _KEY + conversion_month[idx])
    untrackable[idx[spread_marks(rank, share)]] = True

    # The never-paying customers top each (channel, signup month) group up to its share.
    groups, group_of = np.unique(channel * _KEY + signup_month, return_inverse=True)
    total = np.bincount(group_of, minlength=len(groups))
    already = np.bincount(group_of, weights=untrackable, minlength=len(groups))
    free = np.bincount(group_of[~paying], minlength=len(groups))
    need = np.clip(np.floor(total * share + 0.5) - already, 0, free)

    idx = np.flatnonzero(~paying)
    idx = idx[np.lexsort((idx, group_of[idx]))]
    rank, size = rank_within(group_of[idx])
    untrackable[idx[spread_marks(rank, need[group_of[idx]] / np.maximum(size, 1))]] = True
    return untrackable
