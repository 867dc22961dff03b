"""Product events: who used which feature when, following per-feature adoption curves.

Each (customer, feature) pair gets one adoption instant from a logistic curve in days since the
feature's release (its cap and pace differ per feature and segment), and never before signup. Feature
events only happen after that instant, so the adoption loop can recover the curves from the events.

The tracking is as messy as a real SDK's: a few accounts are beta testers who use a feature in the weeks
before its release, some feature events name a feature the catalog does not know, and some spell a
catalogued one in another case or with stray spaces.
"""

from __future__ import annotations

import json

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.arrays import expand
from aias_dagster.sample_data.billing import PlanHistory
from aias_dagster.sample_data.columns import Coded, Ident, SourceRows, Stamp
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.delivery import LATE_SHARE, deliver
from aias_dagster.sample_data.timeline import DAY, NEVER, Timeline, pick

GENERIC_SHARE = 0.45  # of events that are page views, logins and invites (no feature)
FREE_EVENTS_PER_DAY = 2.0
PAID_EVENTS_PER_DAY: tuple[float, ...] = (5.0, 7.5, 10.0)  # by world.SEGMENTS
USERS_PER_ACCOUNT: tuple[float, ...] = (1.5, 4.0, 10.0)  # mean extra users beyond the first, by segment
FREE_ACTIVE_DAYS = 25.0  # mean days a never-paying account stays active after signup
ADOPTION_DELAY_DAYS = 4.0  # mean days from signup (or release) to first use, for adopters
EMPTY_PROPERTIES_SHARE = 0.3
BETA_SHARE = 0.03  # of adopting (account, feature) pairs: beta testers, with access before the release
BETA_LEAD_DAYS = (3, 28)  # how long before the release a beta tester gets access
UNCATALOGUED_SHARE = 0.006  # of feature events: a feature the catalog does not name
RESPELLED_SHARE = 0.02  # of feature events: a catalogued name in another case or with spaces around it
PROPERTY_LABELS: tuple[str, ...] = (
    "",
    *(json.dumps({"plan": p, "browser": b}, separators=(",", ":")) for p in world.PLAN_IDS for b in world.BROWSERS),
)

# How the tracking names a feature: as catalogued, capitalised, upper case with a stray space, or unknown.
FEATURE_LABELS: tuple[str, ...] = (
    "",
    *world.FEATURE_NAMES,
    *(name.capitalize() for name in world.FEATURE_NAMES),
    *(f" {name.upper()} " for name in world.FEATURE_NAMES),
    *world.UNCATALOGUED_FEATURES,
)


def release_seconds(timeline: Timeline) -> np.ndarray:
    """Release instant (00:00 UTC of the release day) of each catalogued feature."""
    return timeline.day_start(np.asarray([f.release_day(timeline.start) for f in world.FEATURES]))


def adoption_times(rng: np.random.Generator, timeline: Timeline, customers: Customers) -> np.ndarray:
    """(customer, feature) -> first instant the account can use the feature; NEVER for non-adopters."""
    n, k = customers.n, len(world.FEATURES)
    cap = np.asarray([f.adoption_cap for f in world.FEATURES]).T[customers.segment]  # (n, k)
    midpoint = np.asarray([f.midpoint_days for f in world.FEATURES])
    spread = np.asarray([f.spread_days for f in world.FEATURES])
    u = rng.random((n, k))
    q = np.clip(u / cap, 1e-9, 1 - 1e-9)
    days_after_release = np.maximum(midpoint + spread * np.log(q / (1 - q)), 0.0)
    on_curve = release_seconds(timeline) + (days_after_release * DAY).astype(np.int64)
    after_signup = customers.signup_s[:, None] + (rng.exponential(ADOPTION_DELAY_DAYS, (n, k)) * DAY).astype(np.int64)
    lead = rng.integers(BETA_LEAD_DAYS[0], BETA_LEAD_DAYS[1] + 1, (n, k)) * DAY
    beta = rng.random((n, k)) < BETA_SHARE
    earliest = np.where(beta, release_seconds(timeline) - lead, on_curve)
    return np.where(u < cap, np.maximum(earliest, after_signup), NEVER)


def event_rows(rng: np.random.Generator, timeline: Timeline, customers: Customers, history: PlanHistory) -> SourceRows:
    c = customers
    adopted_at = adoption_times(rng, timeline, c)
    seconds, customer = _event_times(rng, timeline, c, history)
    n = len(seconds)

    preference = np.asarray([f.popularity for f in world.FEATURES]) * rng.gamma(2.0, 1.0, (c.n, len(world.FEATURES)))
    cumulative = np.cumsum(preference, axis=1)
    cumulative /= cumulative[:, -1:]
    feature = (rng.random(n)[:, None] > cumulative[customer]).sum(axis=1)
    generic = rng.random(n) < GENERIC_SHARE
    uses_feature = ~generic & (adopted_at[customer, feature] <= seconds)
    # A feature the account has not adopted yet is only looked at: a page view.
    generic_name = np.where(generic, pick(rng, world.GENERIC_EVENT_WEIGHTS, n), 0)
    per_feature = [[world.EVENT_NAMES.index(e) for e in f.events] for f in world.FEATURES]
    event_counts = np.asarray([len(e) for e in per_feature])
    event_table = np.asarray([e + [0] * (event_counts.max() - len(e)) for e in per_feature])
    which = np.floor(rng.random(n) * event_counts[feature]).astype(np.int64)
    event_name = np.where(uses_feature, event_table[feature, which], generic_name)

    users = 1 + rng.poisson(np.asarray(USERS_PER_ACCOUNT)[c.segment])
    first_user = np.cumsum(users) - users
    user = first_user[customer] + np.floor(rng.random(n) ** 1.5 * users[customer]).astype(np.int64) + 1
    plan = history.plan_at(customer, seconds, c.converted_s)
    browser = user * 7 % len(world.BROWSERS)  # a user keeps one browser
    properties = np.where(rng.random(n) < EMPTY_PROPERTIES_SHARE, 0, 1 + plan * len(world.BROWSERS) + browser)

    day, arrival = deliver(rng, timeline, seconds, LATE_SHARE)
    feature_code = np.where(uses_feature, feature + 1, 0)
    k = len(world.FEATURES)
    odd = rng.random(n)
    respelled = uses_feature & (odd < RESPELLED_SHARE)
    feature_code = np.where(respelled, feature_code + k * (1 + (odd < RESPELLED_SHARE / 2)), feature_code)
    uncatalogued = ~generic & (odd > 1 - UNCATALOGUED_SHARE)
    unknown = 1 + 3 * k + np.floor(rng.random(n) * len(world.UNCATALOGUED_FEATURES)).astype(np.int64)
    feature_code = np.where(uncatalogued, unknown, feature_code)
    event_name = np.where(uncatalogued, world.EVENT_NAMES.index("feature_used"), event_name)
    columns = {
        "event_id": Ident("EV", np.arange(1, n + 1), 10),
        "customer_id": c.ids(customer),
        "user_id": Ident("U", user, 7),
        "event_name": Coded(event_name, world.EVENT_NAMES),
        "feature": Coded(feature_code, FEATURE_LABELS),
        "occurred_at": Stamp(seconds),
        "properties": Coded(properties, PROPERTY_LABELS),
    }
    return SourceRows(get_source("product_events"), columns, day, arrival)


def _event_times(
    rng: np.random.Generator, timeline: Timeline, c: Customers, history: PlanHistory
) -> tuple[np.ndarray, np.ndarray]:
    """Event instants and customers, in time order: busier when paying, quieter at weekends."""
    free_end = c.signup_s + ((1 + rng.exponential(FREE_ACTIVE_DAYS, c.n)) * DAY).astype(np.int64)
    paid_end = np.where(history.cancel_s < NEVER, history.cancel_s + 7 * DAY, timeline.end_s)
    active_end = np.minimum(np.where(c.paying, paid_end, free_end), timeline.end_s)
    first_day = timeline.day_of(c.signup_s)
    account, pos = expand(np.maximum(timeline.day_of(active_end - 1) - first_day + 1, 0))
    day = first_day[account] + pos
    lo = np.maximum(timeline.day_start(day), c.signup_s[account])
    hi = np.minimum(timeline.day_start(day) + DAY, active_end[account])
    midday = timeline.day_start(day) + DAY // 2
    paid_then = (midday >= c.converted_s[account]) & (midday < history.cancel_s[account])
    rate = np.where(paid_then, np.asarray(PAID_EVENTS_PER_DAY)[c.segment[account]], FREE_EVENTS_PER_DAY)
    intensity = rng.lognormal(0.0, 0.5, c.n)[account]
    mean = rate * intensity * timeline.weekday_factor(0.35)[day] * (hi - lo) / DAY
    slot, _ = expand(rng.poisson(mean))
    seconds = lo[slot] + np.floor(rng.random(len(slot)) * (hi - lo)[slot]).astype(np.int64)
    customer = account[slot]
    order = np.lexsort((customer, seconds))
    return seconds[order], customer[order]
