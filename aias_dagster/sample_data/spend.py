"""Marketing spend and the exchange rates that turn it into USD.

Spend is derived from each paid channel's TRUE new paying customers, so its CAC is plausible (about
``world.TARGET_CAC_USD``) and a wrong attribution shows up as a wrong CAC, not as noise.
"""

from __future__ import annotations

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.columns import Coded, Day, Fixed, SourceRows
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.timeline import DAY, Timeline

FX_CURRENCIES: tuple[str, ...] = tuple(world.FX_START)
SPEND_CURRENCIES: tuple[str, ...] = ("USD", *FX_CURRENCIES)


def fx_micro_rates(rng: np.random.Generator, timeline: Timeline) -> np.ndarray:
    """USD per unit in millionths, per (world day, FX_CURRENCIES): a gentle random walk."""
    # EUR and GBP first, as they were drawn before JPY was added, so their walk is unchanged by it.
    first = rng.normal(0.0, 0.003, (timeline.days, 2))
    steps = np.c_[first, rng.normal(0.0, 0.003, (timeline.days, len(FX_CURRENCIES) - 2))]
    steps[0] = 0.0
    rates = np.asarray([world.FX_START[c] for c in FX_CURRENCIES]) * np.exp(np.cumsum(steps, axis=0))
    return np.round(rates * 1e6).astype(np.int64)


def fx_rows(timeline: Timeline, micro: np.ndarray) -> SourceRows:
    day, currency = np.divmod(np.arange(micro.size), len(FX_CURRENCIES))
    columns = {
        "rate_date": Day(timeline.start_s // DAY + day),
        "currency": Coded(currency, FX_CURRENCIES),
        "usd_per_unit": Fixed(micro[day, currency], 6),
    }
    return SourceRows(get_source("fx_rates"), columns, day, timeline.day_start(day))


def spend_rows(rng: np.random.Generator, timeline: Timeline, customers: Customers, micro: np.ndarray) -> SourceRows:
    """One row per day and campaign; each campaign pays in its own currency."""
    _, month_of_day = np.unique(timeline.months(), return_inverse=True)
    n_months = int(month_of_day.max()) + 1
    paying = customers.paying
    conversion_month = month_of_day[timeline.day_of(customers.converted_s[paying])]
    weights = timeline.weekday_factor(0.75) * rng.lognormal(0.0, 0.15, timeline.days)
    weights = weights / np.bincount(month_of_day, weights)[month_of_day]

    campaigns = world.CAMPAIGNS
    usd = np.zeros((timeline.days, len(campaigns)))
    for channel in world.PAID_CHANNELS:
        code = world.CHANNELS.index(channel)
        new_paying = np.bincount(conversion_month[customers.channel[paying] == code], minlength=n_months)
        monthly = world.TARGET_CAC_USD[channel] * np.maximum(new_paying, 1) * rng.uniform(0.9, 1.1, n_months)
        daily = monthly[month_of_day] * weights
        cols = [j for j, c in enumerate(campaigns) if c.channel == channel]
        split = np.asarray([campaigns[j].share for j in cols]) * rng.lognormal(0.0, 0.1, (timeline.days, len(cols)))
        usd[:, cols] = daily[:, None] * split / split.sum(axis=1, keepdims=True)

    currency = np.asarray([SPEND_CURRENCIES.index(c.currency) for c in campaigns])
    usd_per_unit = np.ones_like(usd)
    for j, code in enumerate(currency):
        if code:
            usd_per_unit[:, j] = micro[:, code - 1] / 1e6
    cents = np.round(usd / usd_per_unit * 100).astype(np.int64)

    day, campaign = np.divmod(np.arange(cents.size), len(campaigns))
    channel_of = np.asarray([world.CHANNELS.index(c.channel) for c in campaigns])
    columns = {
        "spend_date": Day(timeline.start_s // DAY + day),
        "channel": Coded(channel_of[campaign], world.CHANNELS),
        "campaign_id": Coded(campaign, tuple(c.campaign_id for c in campaigns)),
        "amount": Fixed(cents[day, campaign], 2),
        "currency": Coded(currency[campaign], SPEND_CURRENCIES),
    }
    return SourceRows(get_source("marketing_spend"), columns, day, timeline.day_start(day))
