"""The calibrated CAC's 95 % interval, by bootstrap over customers.

The point estimate lives in dbt (int_acquisition__survey_calibration, int_acquisition__calibrated_credits);
`estimate` below is the same arithmetic in numpy, so that it can be run a few hundred times on resampled
customers (`bootstrap`). `estimate` on the customers as they are equals the dbt columns (a test holds them
to it).

Only single-touch attribution models are resampled (every customer has one credit of 1); the default model
is one. Linear credit has no interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import psycopg
from psycopg import sql

from aias_dagster.platform.roles import ROLES, act_as

BOOTSTRAP_REPLICATES = 400
BOOTSTRAP_SEED = 20260331  # fixed: the same data give the same interval on every run
INTERVAL = 0.95
EM_TOLERANCE = 1e-12  # dbt vars survey_em_tolerance, survey_em_max_iterations
EM_MAX_ITERATIONS = 5000
UNATTRIBUTED = "unattributed"

CUSTOMERS_SQL = """
select channel, is_answered, answer_rule, is_paying, month_start
from intermediate.int_acquisition__survey_credits
where attribution_model = %s
order by customer_id
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
    """EM of macros/acquisition/survey_mixture_em.sql: the channel mix that best explains `answers` (per rule)."""
    informative = answers.sum()
    shares = start.copy()
    for _ in range(EM_MAX_ITERATIONS):
        expected = shares @ confusion
        ok = expected > 0
        updated = (shares[:, None] * confusion[:, ok] * (answers[ok] / expected[ok])).sum(axis=1) / informative
        updated[updated < 1e-12] = 0  # as the SQL does, where the float would underflow
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
    shares: np.ndarray  # the unattributed answerers' channel mix (EM)


def parameters(c: Customers, warm: np.ndarray | None = None) -> Parameters:
    """int_acquisition__survey_confusion and __survey_calibration, over every customer (all signups).

    ``warm``: EM's start instead of the tracked answerers' mix (the mixture's likelihood is concave, so the
    start changes only how soon it converges: the bootstrap starts from the full data's shares).
    """
    k, n_rules = len(c.channels), c.rules
    tracked, answered = c.channel >= 0, c.rule >= 0
    tracked_customers = np.bincount(c.channel[tracked], minlength=k).astype(float)
    counts = np.zeros((k, n_rules))
    np.add.at(counts, (c.channel[tracked & answered], c.rule[tracked & answered]), 1)
    tracked_answered = counts.sum(axis=1)
    answer_rate = np.divide(tracked_answered, tracked_customers, out=np.zeros(k), where=tracked_customers > 0)
    confusion = np.divide(
        counts, tracked_answered[:, None], out=np.zeros_like(counts), where=tracked_answered[:, None] > 0
    )

    unattributed_answers = np.bincount(c.rule[~tracked & answered], minlength=n_rules).astype(float)
    evidence = np.where(counts.sum(axis=0) > 0, unattributed_answers, 0)  # a rule no tracked customer gave is none
    speaks = tracked_answered > 0
    overall = (~tracked).sum() / tracked_customers.sum() if tracked_customers.sum() > 0 else 1.0
    ratio = np.full(k, overall)
    shares_by_channel = np.zeros(k)
    if evidence.sum() > 0 and speaks.any():
        start = tracked_answered[speaks] / tracked_answered[speaks].sum()
        if warm is not None and len(warm) == k and warm[speaks].sum() > 0:
            start = np.maximum(warm[speaks], 1e-6) / np.maximum(warm[speaks], 1e-6).sum()
        shares = mixture_shares(confusion[speaks], evidence, start)
        ratio[speaks] = (~tracked & answered).sum() * shares / tracked_answered[speaks]
        shares_by_channel[speaks] = shares
    return Parameters(ratio, answer_rate, confusion, shares_by_channel)


def apportion(c: Customers, p: Parameters, rng: np.random.Generator | None = None) -> np.ndarray:
    """New paying customers per (month, channel), the unattributed ones apportioned.

    The arithmetic of int_acquisition__calibrated_credits.

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
        given = np.flatnonzero((rules > 0) & (split.sum(axis=0) > 0))
        if len(given):
            chances = split[:, given].T
            result[m] += rng.multinomial(rules[given], chances / chances.sum(axis=1, keepdims=True)).sum(axis=0)
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


def observed(c: Customers) -> tuple[np.ndarray, np.ndarray]:
    """The month's tracked new paying customers per channel, and its unattributed ones."""
    k, tracked = len(c.channels), c.channel >= 0
    attributed, unattributed = np.zeros((len(c.months), k)), np.zeros(len(c.months))
    for m in range(len(c.months)):
        in_month = c.month == m
        attributed[m] = np.bincount(c.channel[in_month & tracked], minlength=k)
        unattributed[m] = (in_month & ~tracked).sum()
    return attributed, unattributed


def bootstrap(c: Customers, replicates: int = BOOTSTRAP_REPLICATES, seed: int = BOOTSTRAP_SEED) -> Interval:
    """Percentile interval of the month's true count per channel.

    Each replicate resamples the customers with replacement and runs the whole estimate on them, each
    unattributed customer drawn to one channel with its chances (so the survey's confusion, the tracking loss
    and the month's own answers all vary together, as they do between worlds). What the month observed stays
    fixed: its tracked customers as counted, and the replicate's apportioned unattributed customers scaled to
    the month's real number of them. Measured coverage: docs/calibrated_cac.md.
    """
    rng = np.random.default_rng(seed)
    n = len(c.channel)
    attributed, unattributed = observed(c)
    warm = parameters(c).shares
    draws = []
    for _ in range(replicates):
        sample = c.take(rng.integers(0, n, n))
        sample_attributed, sample_unattributed = observed(sample)
        apportioned = apportion(sample, parameters(sample, warm), rng) - sample_attributed
        scale = np.divide(
            unattributed, sample_unattributed, out=np.zeros_like(unattributed), where=sample_unattributed > 0
        )
        draws.append(attributed + apportioned * scale[:, None])
    tail = (1 - INTERVAL) / 2
    low, high = np.quantile(np.stack(draws), [tail, 1 - tail], axis=0)
    return Interval(estimate(c), low, high, replicates)


INTERVALS_TABLE = "marts.cac_monthly_intervals"
INTERVALS_DDL = f"""
create table if not exists {INTERVALS_TABLE} (
    month_start date not null,
    attribution_model text not null,
    channel text not null,
    new_paying_customers_calibrated numeric(38, 4) not null,
    new_paying_customers_low numeric(38, 4) not null,
    new_paying_customers_high numeric(38, 4) not null,
    paid_cac_calibrated numeric(38, 2),
    paid_cac_low numeric(38, 2),
    paid_cac_high numeric(38, 2),
    replicates integer not null,
    primary key (month_start, attribution_model, channel)
)
"""
INTERVALS_COMMENT = (
    "95 % bootstrap interval of the calibrated new paying customers and paid CAC of marts.cac_monthly, per "
    "month, attribution model (single-touch only) and channel (aias_dagster/acquisition/calibration.py)."
)
# As for dbt's relations, every column says what it holds (psql's \d+; tests/dbt/test_docs.py checks).
INTERVALS_COLUMN_COMMENTS = {
    "month_start": "First day of the calendar month (UTC).",
    "attribution_model": "The single-touch attribution model whose customers were resampled.",
    "channel": "The acquisition channel, as in marts.cac_monthly.",
    "new_paying_customers_calibrated": "Calibrated new paying customers: the point estimate of marts.cac_monthly.",
    "new_paying_customers_low": "Lower end of the 95 % bootstrap interval of the calibrated new paying customers.",
    "new_paying_customers_high": "Upper end of the 95 % bootstrap interval of the calibrated new paying customers.",
    "paid_cac_calibrated": "Paid CAC in USD at the calibrated count: the month's spend over it; null without spend.",
    "paid_cac_low": "Lower end of the paid CAC's 95 % interval: the spend over the high count.",
    "paid_cac_high": "Upper end of the paid CAC's 95 % interval: the spend over the low count.",
    "replicates": "Bootstrap replicates the interval was computed from.",
}
SPEND_SQL = """
select month_start, channel, spend_usd from marts.cac_monthly where attribution_model = %s
"""


def _places(value: float, places: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def interval_rows(
    conn: psycopg.Connection, attribution_model: str, replicates: int = BOOTSTRAP_REPLICATES
) -> list[tuple]:
    """Rows of INTERVALS_TABLE for one model: counts to 4 places, CAC to the cent (the marts' precision).

    The CAC interval is the spend over the count interval's ends, reversed (more customers, lower CAC).
    """
    customers = read_customers(conn, attribution_model)
    if not customers.months or not customers.channels:
        return []
    interval = bootstrap(customers, replicates)
    spend = {(m, ch): s for m, ch, s in conn.execute(SPEND_SQL, (attribution_model,)).fetchall()}
    rows = []
    for i, month in enumerate(customers.months):
        for j, channel in enumerate(customers.channels):
            point, low, high = interval.estimate[i, j], interval.low[i, j], interval.high[i, j]
            if point == 0 and high == 0:
                continue
            paid = spend.get((month, channel))

            def cac(count: float, paid: Decimal | None = paid) -> Decimal | None:
                return None if paid is None or count <= 0 else _places(float(paid) / count, 2)

            rows.append(
                (month, attribution_model, channel, _places(point, 4), _places(low, 4), _places(high, 4),
                 cac(point), cac(high), cac(low), replicates)
            )  # fmt: skip
    return rows


def write_intervals(conn: psycopg.Connection, attribution_model: str, rows: list[tuple]) -> int:
    """Replace the model's rows in one transaction (a re-run writes the same table, never more rows)."""
    with conn.transaction():
        act_as(conn, ROLES.transformer)  # marts belongs to dbt's role; the analysts' default privileges follow it
        conn.execute(INTERVALS_DDL)
        conn.execute(sql.SQL(f"comment on table {INTERVALS_TABLE} is {{}}").format(INTERVALS_COMMENT))
        for column, comment in INTERVALS_COLUMN_COMMENTS.items():
            conn.execute(sql.SQL(f"comment on column {INTERVALS_TABLE}.{column} is {{}}").format(comment))
        conn.execute(f"delete from {INTERVALS_TABLE} where attribution_model = %s", (attribution_model,))
        with conn.cursor() as cur:
            cur.executemany(f"insert into {INTERVALS_TABLE} values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
    return len(rows)
