"""The customer population: who signs up when, from which channel, and who starts paying."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.arrays import balanced_choice
from aias_dagster.sample_data.columns import Coded, Ident, SourceRows, Stamp, Text
from aias_dagster.sample_data.delivery import deliver
from aias_dagster.sample_data.survey import heard_about_us
from aias_dagster.sample_data.timeline import DAY, HOUR, MINUTE, NEVER, Timeline, clock, month_of, pick
from aias_dagster.sample_data.tracking import DEFAULT_TRACKING_LOSS, untrackable_customers

# Share of signups that start paying within 30 days (before the world's end cuts off the late ones):
# paid channels bring slightly better leads. About 50% of all signups in a 90-day world.
PAID_CONVERSION_RATE = 0.57
UNPAID_CONVERSION_RATE = 0.46
MAX_CONVERSION_DELAY = 30 * DAY
COUNTRIES: tuple[str, ...] = tuple(world.COUNTRY_WEIGHTS)


@dataclass(frozen=True, eq=False)
class Customers:
    """One entry per customer, in signup order (``C000001`` signed up first)."""

    number: np.ndarray
    signup_s: np.ndarray
    converted_s: np.ndarray  # NEVER: did not start paying inside the world
    country: np.ndarray  # index into COUNTRIES
    segment: np.ndarray  # index into world.SEGMENTS
    channel: np.ndarray  # index into world.CHANNELS: the TRUE acquisition channel
    trackable: np.ndarray
    company: np.ndarray
    heard_about_us: np.ndarray  # the signup form's free text, "" when left blank
    answer_kind: np.ndarray  # index into survey.ANSWER_KINDS, -1: no answer (ground truth only)

    @property
    def n(self) -> int:
        return len(self.number)

    @property
    def paying(self) -> np.ndarray:
        return self.converted_s < NEVER

    @property
    def id_width(self) -> int:
        return max(6, len(str(self.n)))

    def ids(self, idx: np.ndarray) -> Ident:
        """The customer_id column of rows belonging to customers ``idx`` (-1: empty field)."""
        idx = np.asarray(idx, dtype=np.int64)
        return Ident("C", np.where(idx >= 0, self.number[np.maximum(idx, 0)], -1), self.id_width)


def build_customers(
    rng: np.random.Generator,
    timeline: Timeline,
    n: int,
    *,
    tracking_rng: np.random.Generator,
    survey_rng: np.random.Generator,
    tracking_loss: str = DEFAULT_TRACKING_LOSS,
) -> Customers:
    """Signups over the world's days (weekday peaks, slow growth); about half convert within 30 days.

    Tracking loss and the survey answers draw from streams of their own, so that choosing a tracking
    loss leaves every other part of the world as it is.
    """
    trend = 1 + 0.15 * np.arange(timeline.days) / max(timeline.days - 1, 1)
    day = pick(rng, timeline.weekday_factor(0.55) * trend, n)
    signup = np.sort(timeline.day_start(day) + clock(rng, n))

    channel = balanced_choice(rng, tuple(world.CHANNEL_WEIGHTS[c] for c in world.CHANNELS), n)
    quick = rng.random(n) < 0.25
    delay = np.where(quick, rng.uniform(10 * MINUTE, DAY, n), HOUR + rng.exponential(7 * DAY, n))
    converted = signup + np.minimum(delay, MAX_CONVERSION_DELAY).astype(np.int64)
    converts = np.zeros(n, dtype=bool)
    for code in range(len(world.CHANNELS)):  # balanced per channel: steady monthly payer counts
        at = np.flatnonzero(channel == code)
        rate = PAID_CONVERSION_RATE if code < len(world.PAID_CHANNELS) else UNPAID_CONVERSION_RATE
        converts[at] = balanced_choice(rng, (1 - rate, rate), len(at)) == 1
    converts &= converted < timeline.end_s
    converted = np.where(converts, converted, NEVER)

    conversion_month = np.where(converts, month_of(np.where(converts, converted, 0)), -1)
    country = pick(rng, tuple(world.COUNTRY_WEIGHTS.values()), n)
    segment = pick(rng, world.SEGMENT_WEIGHTS, n)
    company = company_names(rng, n)
    untrackable = untrackable_customers(tracking_loss, tracking_rng, channel, month_of(signup), conversion_month)
    answers = heard_about_us(survey_rng, channel)
    return Customers(
        number=np.arange(1, n + 1),
        signup_s=signup,
        converted_s=converted,
        country=country,
        segment=segment,
        channel=channel,
        trackable=~untrackable,
        company=company,
        heard_about_us=answers.text,
        answer_kind=answers.kind,
    )


def company_names(rng: np.random.Generator, n: int) -> np.ndarray:
    def words(vocabulary: tuple[str, ...]) -> np.ndarray:
        return np.asarray(vocabulary)[rng.integers(0, len(vocabulary), n)]

    name = np.strings.add(words(world.COMPANY_FIRST), " ")
    name = np.strings.add(name, words(world.COMPANY_SECOND))
    return np.strings.add(name, words(world.COMPANY_SUFFIX)).astype(object)


def customer_rows(customers: Customers, timeline: Timeline) -> SourceRows:
    """One row at signup; a customer converting on a later day is delivered again, converted.

    A same-day conversion is a single row that already carries ``converted_at``, so no file holds a
    customer twice.
    """
    c = customers
    signup_day = timeline.day_of(c.signup_s)
    same_day = c.paying & (timeline.day_of(c.converted_s) == signup_day)
    later = np.flatnonzero(c.paying & ~same_day)
    idx = np.r_[np.arange(c.n), later]
    converted = np.r_[np.where(same_day, c.converted_s, NEVER), c.converted_s[later]]
    updated = np.where(converted < NEVER, converted, c.signup_s[idx])
    day, order = deliver(None, timeline, updated)
    source = get_source("customers")
    columns = {
        "customer_id": c.ids(idx),
        "company_name": Text(c.company[idx]),
        "signup_at": Stamp(c.signup_s[idx]),
        "converted_at": Stamp(converted),
        "country": Coded(c.country[idx], COUNTRIES),
        "segment": Coded(c.segment[idx], world.SEGMENTS),
        "updated_at": Stamp(updated),
        "heard_about_us": Text(c.heard_about_us[idx]),
    }
    return SourceRows(source, columns, day, order)
