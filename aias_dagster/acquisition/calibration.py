"""The calibrated CAC's 95 % interval, by bootstrap over customers.

The point estimate lives in dbt (int_acquisition__survey_calibration, int_acquisition__calibrated_credits);
`estimate` below is the same arithmetic in numpy, so that it can be run a few hundred times on resampled
customers. Resampling the customers (with replacement, the months' spend fixed) redraws everything the
estimate rests on at once: the survey's confusion, the unattributed answers, the answer rates and the
tracked counts. `estimate` on the customers as they are equals the dbt columns (a test holds them to it).

Only single-touch attribution models are resampled (every customer has one credit of 1); the default model
is one. Linear credit has no interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import psycopg

BOOTSTRAP_REPLICATES = 400
BOOTSTRAP_SEED = 20260331  # fixed: the same data give the same interval on every run
INTERVAL = 0.95
EM_TOLERANCE = 1e-10  # dbt vars survey_em_tolerance, survey_em_max_iterations
EM_MAX_ITERATIONS = 5000
UNATTRIBUTED = "unattributed"

CUSTOMERS_SQL = """
select a.channel, s.is_answered, s.answer_rule, a.is_paying, date_trunc('month', a.converted_date)::date
from intermediate.int_acquisition__attribution as a
inner join intermediate.int_acquisition__survey_answers as s on a.customer_id = s.customer_id
where a.attribution_model = %s
order by a.customer_id
"""


@dataclass(frozen=True, eq=False)
class Customers:
    """One entry per customer, as codes: channel (-1 unattributed), answer rule (-1 none), month (-1 never paid)."""

    channel: np.ndarray
    rule: np.ndarray
    month: np.ndarray
    channels: tuple[str, ...]
    months: tuple[date, ...]
    rules: int  # how many answer rules the codes number

    def take(self, idx: np.ndarray) -> Customers:
        return Customers(self.channel[idx], self.rule[idx], self.month[idx], self.channels, self.months, self.rules)


def read_customers(conn: psycopg.Connection, attribution_model: str) -> Customers:
    """The model's customers with their answers, from the intermediate tables dbt built."""
    rows = conn.execute(CUSTOMERS_SQL, (attribution_model,)).fetchall()
    channels = tuple(sorted({r[0] for r in rows if r[0] != UNATTRIBUTED}))
    months = tuple(sorted({r[4] for r in rows if r[3]}))
    rules = sorted({r[2] for r in rows if r[1] and r[2] is not None})
    channel_code = {c: i for i, c in enumerate(channels)}
    rule_code = {r: i for i, r in enumerate(rules)}
    month_code = {m: i for i, m in enumerate(months)}
    return Customers(
        channel=np.asarray([channel_code.get(r[0], -1) for r in rows], dtype=np.int64),
        rule=np.asarray([rule_code[r[2]] if r[1] and r[2] is not None else -1 for r in rows], dtype=np.int64),
        month=np.asarray([month_code[r[4]] if r[3] else -1 for r in rows], dtype=np.int64),
        channels=channels,
        months=months,
        rules=max(len(rules), 1),
    )


def mixture_shares(confusion: np.ndarray, answers: np.ndarray, start: np.ndarray) -> np.ndarray:
    """EM of macros/survey_mixture_em.sql: the channel mix that best explains `answers` (counts per rule)."""
    informative = answers.sum()
    shares = start.copy()
    for _ in range(EM_MAX_ITERATIONS):
        expected = shares @ confusion
        ok = expected > 0
        updated = (shares[:, None] * confusion[:, ok] * (answers[ok] / expected[ok])).sum(axis=1) / informative
        change = np.abs(updated - shares).max()
        shares = updated
        if change <= EM_TOLERANCE:
            break
    return shares


@dataclass(frozen=True, eq=False)
class Parameters:
    """What the survey says about tracking loss: per channel, unattributed per tracked customer, answer rate,
    and the confusion (the share of its tracked answerers giving each rule)."""

    ratio: np.ndarray
    answer_rate: np.ndarray
    confusion: np.ndarray


def parameters(c: Customers) -> Parameters:
    """int_acquisition__survey_confusion and __survey_calibration, over every customer (all signups)."""
    k, n_rules = len(c.channels), c.rules
    tracked, answered = c.channel >= 0, c.rule >= 0
    tracked_customers = np.bincount(c.channel[tracked], minlength=k).astype(float)
    counts = np.zeros((k, n_rules))
    np.add.at(counts, (c.channel[tracked & answered], c.rule[tracked & answered]), 1)
    tracked_answered = counts.sum(axis=1)
    answer_rate = np.divide(tracked_answered, tracked_customers, out=np.zeros(k), where=tracked_customers > 0)
    confusion = np.divide(counts, tracked_answered[:, None], out=np.zeros_like(counts), where=tracked_answered[:, None] > 0)

    unattributed_answers = np.bincount(c.rule[~tracked & answered], minlength=n_rules).astype(float)
    evidence = np.where(counts.sum(axis=0) > 0, unattributed_answers, 0)  # a rule no tracked customer gave is none
    speaks = tracked_answered > 0
    overall = (~tracked).sum() / tracked_customers.sum() if tracked_customers.sum() > 0 else 1.0
    ratio = np.full(k, overall)
    if evidence.sum() > 0 and speaks.any():
        start = tracked_answered[speaks] / tracked_answered[speaks].sum()
        shares = mixture_shares(confusion[speaks], evidence, start)
        ratio[speaks] = (~tracked & answered).sum() * shares / tracked_answered[speaks]
    return Parameters(ratio, answer_rate, confusion)


def apportion(c: Customers, p: Parameters, rng: np.random.Generator | None = None) -> np.ndarray:
    """New paying customers per (month, channel), the unattributed ones apportioned (int_acquisition__calibrated_credits).

    Without ``rng`` each unattributed customer counts as its expected share of every channel; with it, each
    is drawn to one channel with those chances (the spread a month's own customers add to the interval).
    """
    k, n_rules = len(c.channels), c.rules
    tracked, answered, paying = c.channel >= 0, c.rule >= 0, c.month >= 0
    result = np.zeros((len(c.months), k))
    for m in range(len(c.months)):
        in_month = paying & (c.month == m)
        attributed = np.bincount(c.channel[in_month & tracked], minlength=k).astype(float)
        result[m] = attributed
        unattributed = in_month & ~tracked
        if not unattributed.any() or attributed.sum() == 0:
            continue
        weight = attributed * p.ratio
        prior = weight / weight.sum() if weight.sum() > 0 else attributed / attributed.sum()
        answering = prior * p.answer_rate
        rules = np.bincount(c.rule[unattributed & answered], minlength=n_rules)
        likelihood = answering[:, None] * p.confusion
        per_rule = likelihood.sum(axis=0)
        fallback = answering / answering.sum() if answering.sum() > 0 else np.zeros(k)
        split = np.where(per_rule > 0, likelihood / np.where(per_rule > 0, per_rule, 1), fallback[:, None])
        silent = prior * (1 - p.answer_rate)
        silent = silent / silent.sum() if silent.sum() > 0 else prior
        blank = int((unattributed & ~answered).sum())
        if rng is None:
            result[m] += split @ rules + blank * silent
            continue
        for rule in np.flatnonzero(rules):
            if split[:, rule].sum() > 0:
                result[m] += rng.multinomial(rules[rule], split[:, rule] / split[:, rule].sum())
        result[m] += rng.multinomial(blank, silent)
    return result


def estimate(c: Customers) -> np.ndarray:
    """The point estimate, as the dbt models compute it."""
    return apportion(c, parameters(c))


@dataclass(frozen=True)
class Interval:
    """The bootstrap's percentiles of new paying customers per (month, channel), and the point estimate."""

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    replicates: int


def bootstrap(c: Customers, replicates: int = BOOTSTRAP_REPLICATES, seed: int = BOOTSTRAP_SEED) -> Interval:
    """Percentile interval of the month's true count: the survey's parameters from customers resampled with
    replacement (their uncertainty), applied to the month's own customers, each unattributed one drawn to a
    channel (theirs). The tracked counts are observed, so they do not vary."""
    rng = np.random.default_rng(seed)
    n = len(c.channel)
    draws = np.stack([apportion(c, parameters(c.take(rng.integers(0, n, n))), rng) for _ in range(replicates)])
    tail = (1 - INTERVAL) / 2
    low, high = np.quantile(draws, [tail, 1 - tail], axis=0)
    return Interval(estimate(c), low, high, replicates)
