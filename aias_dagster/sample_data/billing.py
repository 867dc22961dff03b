"""Plans and subscriptions of the paying customers.

A plan change ends the old subscription and starts a new one at the same instant, mid-month, so the
billing loop has to prorate the monthly fee and price usage with the plan active at period end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.columns import Coded, Ident, SourceRows, Stamp
from aias_dagster.sample_data.customers import COUNTRIES, Customers
from aias_dagster.sample_data.delivery import deliver
from aias_dagster.sample_data.timeline import DAY, NEVER, Timeline, clock, month_of, month_start_s, pick

CHANGE_SHARE = 0.14  # of paying customers drawn to change plan; ~8% keep a valid mid-month instant
CANCEL_SHARE = 0.06  # drawn to cancel; ~3% cancel inside the world
UPGRADE_SHARE = 0.65
TOP_PLAN = max(p.rank for p in world.PLANS)  # plan codes up to it are ranks; regional variants come after


@dataclass(frozen=True, eq=False)
class PlanHistory:
    """Per customer: first paid plan (0 = free), an optional plan change, an optional cancellation."""

    first_plan: np.ndarray
    change_s: np.ndarray
    second_plan: np.ndarray
    cancel_s: np.ndarray

    def plan_at(self, customer: np.ndarray, seconds: np.ndarray, converted_s: np.ndarray) -> np.ndarray:
        """Plan code of each customer at each instant (0 = free: not yet paying or cancelled)."""
        plan = np.where(seconds >= self.change_s[customer], self.second_plan[customer], self.first_plan[customer])
        paying = (seconds >= converted_s[customer]) & (seconds < self.cancel_s[customer])
        return np.where(paying, plan, 0)


@dataclass(frozen=True, eq=False)
class Subscriptions:
    """One entry per subscription, numbered in start order; ``end_s`` NEVER = still running."""

    customer: np.ndarray
    plan: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray

    @property
    def number(self) -> np.ndarray:
        return np.arange(1, len(self.customer) + 1)


def build_plan_history(rng: np.random.Generator, timeline: Timeline, customers: Customers) -> PlanHistory:
    n = customers.n
    paying = customers.paying
    converted = np.where(paying, customers.converted_s, timeline.start_s)
    first = np.zeros(n, dtype=np.int64)
    for code, segment in enumerate(world.SEGMENTS):
        at = np.flatnonzero(paying & (customers.segment == code))
        first[at] = pick(rng, world.PLAN_WEIGHTS_BY_SEGMENT[segment], len(at))

    # A change happens on the 8th..22nd of a month, at least two days into the subscription.
    first_month = month_of(converted)
    months = month_of(np.asarray([timeline.end_s - 1])) - first_month + 1
    month = first_month + np.floor(rng.random(n) * months).astype(np.int64)
    at = month_start_s(month) + rng.integers(7, 22, n) * DAY + clock(rng, n)
    change = paying & (rng.random(n) < CHANGE_SHARE) & (at >= converted + 2 * DAY) & (at < timeline.end_s)
    up = np.where(first <= 1, True, np.where(first == TOP_PLAN, False, rng.random(n) < UPGRADE_SHARE))
    second = np.where(change, first + np.where(up, 1, -1), 0)

    cancel_at = converted + rng.uniform(3 * DAY, 70 * DAY, n).astype(np.int64)
    cancel = paying & ~change & (rng.random(n) < CANCEL_SHARE) & (cancel_at < timeline.end_s)
    return PlanHistory(
        first_plan=regional_plans(first, customers),
        change_s=np.where(change, at, NEVER),
        second_plan=regional_plans(second, customers),
        cancel_s=np.where(cancel, cancel_at, NEVER),
    )


def regional_plans(plan: np.ndarray, customers: Customers) -> np.ndarray:
    """Each customer's plan code, swapped for its country's variant where there is one (JP growth -> yen).

    Applied after the draws, so adding a variant leaves every random stream of the world unchanged.
    """
    out = plan.copy()
    countries = np.asarray(COUNTRIES)[customers.country]
    for (country, plan_id), variant in world.REGIONAL_PLANS.items():
        hit = (countries == country) & (plan == world.PLAN_IDS.index(plan_id))
        out[hit] = world.PLAN_IDS.index(variant)
    return out


def build_subscriptions(customers: Customers, history: PlanHistory) -> Subscriptions:
    payer = np.flatnonzero(customers.paying)
    changed = np.flatnonzero(history.change_s < NEVER)
    customer = np.r_[payer, changed]
    start = np.r_[customers.converted_s[payer], history.change_s[changed]]
    end = np.r_[np.minimum(history.change_s, history.cancel_s)[payer], np.full(len(changed), NEVER)]
    plan = np.r_[history.first_plan[payer], history.second_plan[changed]]
    order = np.lexsort((customer, start))
    return Subscriptions(customer[order], plan[order], start[order], end[order])


def subscription_rows(subs: Subscriptions, customers: Customers, timeline: Timeline) -> SourceRows:
    """A row when a subscription starts; a newer version of it on the day it ends."""
    ended = np.flatnonzero(subs.end_s < NEVER)
    idx = np.r_[np.arange(len(subs.customer)), ended]
    ended_at = np.r_[np.full(len(subs.customer), NEVER), subs.end_s[ended]]
    updated = np.where(ended_at < NEVER, ended_at, subs.start_s[idx])
    day, order = deliver(None, timeline, updated)
    columns = {
        "subscription_id": Ident("S", subs.number[idx], 7),
        "customer_id": customers.ids(subs.customer[idx]),
        "plan_id": Coded(subs.plan[idx], world.PLAN_IDS),
        "started_at": Stamp(subs.start_s[idx]),
        "ended_at": Stamp(ended_at),
        "updated_at": Stamp(updated),
    }
    return SourceRows(get_source("subscriptions"), columns, day, order)
