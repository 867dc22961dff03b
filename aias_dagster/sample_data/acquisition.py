"""Touchpoints: the web visits the attribution loop stitches to customers.

Built so that the contract's default attribution recovers each trackable customer's TRUE channel:
the last non-direct touch in the 30 days up to ``signup_at`` is always a true-channel touch. Decoys
test the rule's edges: other channels' touches earlier in the window, touches just outside it, and
direct visits after the true touch.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.arrays import expand
from aias_dagster.sample_data.columns import Coded, Ident, SourceRows, Stamp
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.delivery import LATE_SHARE, deliver
from aias_dagster.sample_data.timeline import DAY, HOUR, MINUTE, Timeline, clock, pick

DIRECT = world.CHANNELS.index(world.DIRECT)
assert world.CHANNELS[-1] == world.DIRECT, "_other_channel() relies on direct being the last channel"
RULES = world.CHANNEL_RULES
DIRECT_RULE = next(i for i, r in enumerate(RULES) if r.channel == world.DIRECT)
CAMPAIGN_LABELS: tuple[str, ...] = ("", *(c.campaign_id for c in world.CAMPAIGNS), *world.EMAIL_CAMPAIGNS)
PATH_LABELS: tuple[str, ...] = (*world.LANDING_PATHS, world.SIGNUP_PATH)
SIGNUP_PATH = len(world.LANDING_PATHS)
IDENTIFIED_ALWAYS_SHARE = 0.15  # trackable customers whose every touch already names them
VISITOR_TOUCH_RATIO = 3.0  # anonymous visitors' touches per customer touch


@dataclass(frozen=True, eq=False)
class Touches:
    """A batch of touchpoints before ids are given: visitor, customer (-1 = empty), time, channel."""

    anon: np.ndarray
    customer: np.ndarray
    seconds: np.ndarray
    channel: np.ndarray
    path: np.ndarray

    @staticmethod
    def concat(parts: list[Touches]) -> Touches:
        return Touches(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Touches)))


def touchpoint_rows(rng: np.random.Generator, timeline: Timeline, customers: Customers) -> SourceRows:
    own = _customer_touches(rng, customers)
    lost = _untrackable_touches(rng, customers, first_anon=int(own.anon.max(initial=-1)) + 1)
    first_visitor = int(max(own.anon.max(initial=-1), lost.anon.max(initial=-1))) + 1
    visitors = _visitor_touches(rng, timeline, len(own.seconds) + len(lost.seconds), first_visitor)
    t = Touches.concat([own, lost, visitors])

    n_anon = int(t.anon.max(initial=-1)) + 1
    anon_number = rng.permutation(n_anon)[t.anon] + 1  # ids must not reveal who is a customer
    order = np.lexsort((rng.random(len(t.seconds)), anon_number, t.seconds))
    rule, campaign = _tags(rng, t.channel[order])
    seconds = t.seconds[order]
    day, arrival = deliver(rng, timeline, seconds, LATE_SHARE)
    columns = {
        "touchpoint_id": Ident("T", np.arange(1, len(order) + 1), 9),
        "anonymous_id": Ident("A", anon_number[order], 9),
        "customer_id": customers.ids(t.customer[order]),
        "occurred_at": Stamp(seconds),
        "utm_source": Coded(rule, tuple(r.utm_source for r in RULES)),
        "utm_medium": Coded(rule, tuple(r.utm_medium for r in RULES)),
        "utm_campaign": Coded(campaign, CAMPAIGN_LABELS),
        "referrer_domain": Coded(rule, tuple(r.referrer_domain for r in RULES)),
        "landing_path": Coded(t.path[order], PATH_LABELS),
    }
    return SourceRows(get_source("touchpoints"), columns, day, arrival)


def _customer_touches(rng: np.random.Generator, customers: Customers) -> Touches:
    """Touches of trackable customers, all on one anonymous id that the signup touch identifies."""
    who = np.flatnonzero(customers.trackable)
    n = len(who)
    channel = customers.channel[who]
    signup = customers.signup_s[who]
    is_direct = channel == DIRECT
    last_true = signup - (5 * MINUTE + rng.random(n) ** 1.3 * (25 * DAY - 5 * MINUTE)).astype(np.int64)

    owner, pos = expand(1 + pick(rng, (0.4, 0.3, 0.2, 0.1), n))  # the true channel's touches
    gap = np.where(pos == 0, 0, rng.uniform(HOUR, 35 * DAY, len(owner))).astype(np.int64)
    parts = [(owner, last_true[owner] - gap, channel[owner])]

    owner, _ = expand(np.where(is_direct, 0, pick(rng, (0.55, 0.3, 0.15), n)))  # earlier, other channel
    before_true = rng.uniform(10 * MINUTE, 20 * DAY, len(owner)).astype(np.int64)
    parts.append((owner, last_true[owner] - before_true, _other_channel(rng, channel[owner])))

    owner, _ = expand(np.where(is_direct, 0, pick(rng, (0.6, 0.3, 0.1), n)))  # outside the lookback
    too_early = (31 * DAY + rng.uniform(HOUR, 45 * DAY, len(owner))).astype(np.int64)
    parts.append((owner, signup[owner] - too_early, _other_channel(rng, channel[owner])))

    owner, _ = expand(pick(rng, (0.5, 0.35, 0.15), n))  # direct visits, also after the true touch
    before_signup = rng.uniform(MINUTE, 40 * DAY, len(owner)).astype(np.int64)
    parts.append((owner, signup[owner] - before_signup, np.full(len(owner), DIRECT)))

    owner = np.concatenate([p[0] for p in parts])
    seconds = np.concatenate([p[1] for p in parts])
    channel_of = np.concatenate([p[2] for p in parts])
    named_always = rng.random(n) < IDENTIFIED_ALWAYS_SHARE
    customer = np.where(named_always[owner], who[owner], -1)
    path = pick(rng, np.ones(len(world.LANDING_PATHS)), len(owner))

    everyone = np.arange(n)  # the identifying touch: direct, at signup_at, on /signup
    return Touches(
        anon=np.r_[owner, everyone],
        customer=np.r_[customer, who],
        seconds=np.r_[seconds, signup],
        channel=np.r_[channel_of, np.full(n, DIRECT)],
        path=np.r_[path, np.full(n, SIGNUP_PATH)],
    )


def _untrackable_touches(rng: np.random.Generator, customers: Customers, first_anon: int) -> Touches:
    """Half the untrackable customers left anonymous visits that nothing ever identifies."""
    who = np.flatnonzero(~customers.trackable)
    who = who[rng.random(len(who)) < 0.5]
    owner, _ = expand(1 + pick(rng, (0.5, 0.3, 0.2), len(who)))
    seconds = customers.signup_s[who[owner]] - rng.uniform(MINUTE, 30 * DAY, len(owner)).astype(np.int64)
    return Touches(
        anon=first_anon + owner,
        customer=np.full(len(owner), -1),
        seconds=seconds,
        channel=customers.channel[who[owner]],
        path=pick(rng, np.ones(len(world.LANDING_PATHS)), len(owner)),
    )


def _visitor_touches(rng: np.random.Generator, timeline: Timeline, customer_touches: int, first: int) -> Touches:
    """Visitors who never sign up: the bulk of the traffic, and of the paid campaigns' clicks."""
    visitors = max(1, round(VISITOR_TOUCH_RATIO * customer_touches / 1.9))
    owner, pos = expand(1 + pick(rng, (0.4, 0.3, 0.3), visitors))
    weights = tuple(world.VISITOR_CHANNEL_WEIGHTS[c] for c in world.CHANNELS)
    channel = pick(rng, weights, visitors)[owner]
    channel = np.where((pos > 0) & (rng.random(len(owner)) < 0.5), DIRECT, channel)
    day = pick(rng, timeline.weekday_factor(0.6), len(owner))
    return Touches(
        anon=first + owner,
        customer=np.full(len(owner), -1),
        seconds=timeline.day_start(day) + clock(rng, len(owner)),
        channel=channel,
        path=pick(rng, np.ones(len(world.LANDING_PATHS)), len(owner)),
    )


def _other_channel(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """A random non-direct channel different from each given non-direct channel."""
    r = rng.integers(0, DIRECT - 1, len(channel))
    return r + (r >= channel)


def _tags(rng: np.random.Generator, channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CHANNEL_RULES row and utm_campaign label of each touch of the given channels."""
    n = len(channel)
    rule = np.full(n, DIRECT_RULE)
    campaign = np.zeros(n, dtype=np.int64)
    for code, name in enumerate(world.CHANNELS):
        at = np.flatnonzero(channel == code)
        if name in world.PAID_CHANNELS:
            ids = [i for i, c in enumerate(world.CAMPAIGNS) if c.channel == name]
            chosen = np.asarray(ids)[pick(rng, tuple(world.CAMPAIGNS[i].share for i in ids), len(at))]
            campaign[at] = 1 + chosen
            rule[at] = _CAMPAIGN_RULE[chosen]
        elif name == "email":
            rule[at] = next(i for i, r in enumerate(RULES) if r.channel == name)
            campaign[at] = 1 + len(world.CAMPAIGNS) + rng.integers(0, len(world.EMAIL_CAMPAIGNS), len(at))
        elif name != world.DIRECT:
            ids = [i for i, r in enumerate(RULES) if r.channel == name]
            rule[at] = np.asarray(ids)[pick(rng, tuple(RULES[i].weight for i in ids), len(at))]
    return rule, campaign


_CAMPAIGN_RULE = np.asarray(
    [
        next(i for i, r in enumerate(RULES) if r.channel == c.channel and r.utm_source == c.utm_source)
        for c in world.CAMPAIGNS
    ]
)
