"""Which customers the website tracker can never link to a customer id.

Real tracking loss is not even: ad blockers, consent banners, in-app browsers and cross-device journeys
hit some channels far harder than others. So by default (``channel``) every customer is lost at random,
each with the loss rate of its TRUE channel (``TRACKING_LOSS_BY_CHANNEL``): no (channel, month) loses
an exact share, and the unattributed customers are not a miniature of the attributed ones. Estimating
CAC in that world takes more than the attributed mix (see the acquisition marts' calibrated CAC).

``uniform`` is the world before that: the same share (18 %) in every channel and month, by stratified,
systematic assignment, not by chance. Apportioning the unattributed customers by the attributed mix is
exact there by construction; it stays as the world in which both estimates must agree with the truth.
"""

from __future__ import annotations

import numpy as np

from aias_dagster.sample_data import world
from aias_dagster.sample_data.arrays import rank_within, spread_marks

TRACKING_LOSS_MODES: tuple[str, ...] = ("channel", "uniform")
DEFAULT_TRACKING_LOSS = "channel"
UNTRACKABLE_SHARE = 0.18  # the uniform world's share

# Share of each TRUE channel's customers the tracker never links to a customer id, and why.
TRACKING_LOSS_BY_CHANNEL: dict[str, float] = {
    "paid_search": 0.10,  # click ids survive most consent banners; some ad blockers strip them
    "paid_social": 0.45,  # in-app browsers (Instagram, Facebook, LinkedIn) and iOS tracking prompts
    "display": 0.30,  # view-through visits: seen on one device, signed up on another
    "affiliate": 0.35,  # redirect chains and coupon extensions drop the tags
    "email": 0.20,  # mail apps' link protection and opening on the phone
    "organic_search": 0.08,
    "referral": 0.15,
    "direct": 0.05,
}
_KEY = 1_000_000  # channel * _KEY + month never collides (months since 1970 stay far below it)


def untrackable_customers(
    mode: str,
    rng: np.random.Generator,
    channel: np.ndarray,
    signup_month: np.ndarray,
    conversion_month: np.ndarray,
) -> np.ndarray:
    """Mask of untrackable customers under a ``TRACKING_LOSS_MODES`` mode (``rng`` is used by ``channel``)."""
    if mode == "uniform":
        return stratified_untrackable(channel, signup_month, conversion_month, UNTRACKABLE_SHARE)
    if mode == "channel":
        loss = np.asarray([TRACKING_LOSS_BY_CHANNEL[c] for c in world.CHANNELS])
        return rng.random(len(channel)) < loss[channel]
    raise ValueError(f"tracking loss must be one of {', '.join(TRACKING_LOSS_MODES)}, got {mode!r}")


def stratified_untrackable(
    channel: np.ndarray, signup_month: np.ndarray, conversion_month: np.ndarray, share: float
) -> np.ndarray:
    """Mask of untrackable customers; ``conversion_month`` is -1 for customers that never paid.

    Within every (true channel, conversion month) group and every (true channel, signup month) group the
    untrackable count is the group's share, rounded.
    """
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
