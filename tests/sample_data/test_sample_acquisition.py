"""Touchpoints, tracking and spend: what the CAC loop's tests rely on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sample_world_checks import load, truth

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import WorldSummary, generate_world
from aias_dagster.sample_data.survey import ANSWER_RATE_BY_CHANNEL
from aias_dagster.sample_data.tracking import TRACKING_LOSS_BY_CHANNEL, UNTRACKABLE_SHARE
from aias_dagster.sample_data.world import CAMPAIGNS, CHANNEL_RULES, PAID_CHANNELS
from tests.sample_data.conftest import END


@pytest.fixture(scope="module")
def uniform_world(tmp_path_factory: pytest.TempPathFactory) -> WorldSummary:
    """The clean world's size and seed with `--tracking-loss uniform`: the same share lost everywhere."""
    root = tmp_path_factory.mktemp("uniform_world")
    return generate_world(customers=1000, days=62, seed=11, out=root / "landing", end=END, tracking_loss="uniform")


def _rules() -> pd.DataFrame:
    return pd.DataFrame(
        [(r.utm_source, r.utm_medium, r.referrer_domain, r.channel) for r in CHANNEL_RULES],
        columns=["utm_source", "utm_medium", "referrer_domain", "channel"],
    )


def _touches_with_channel(world: WorldSummary) -> pd.DataFrame:
    touches = load(world.out, get_source("touchpoints"))
    return touches.merge(_rules(), how="left", on=["utm_source", "utm_medium", "referrer_domain"], validate="m:1")


def test_every_touchpoint_matches_exactly_one_channel_rule(clean_world: WorldSummary) -> None:
    assert not _rules().duplicated(["utm_source", "utm_medium", "referrer_domain"]).any()
    touches = _touches_with_channel(clean_world)
    assert touches.channel.notna().all()
    assert touches.touchpoint_id.is_unique


def test_last_non_direct_touch_within_30_days_is_the_true_channel(clean_world: WorldSummary) -> None:
    touches = _touches_with_channel(clean_world)
    named = touches[touches.customer_id != ""][["anonymous_id", "customer_id"]].drop_duplicates()
    assert named.anonymous_id.is_unique  # an anonymous id is identified as one customer only
    touches = touches.drop(columns="customer_id").merge(named, on="anonymous_id")  # retroactive stitching
    customers = load(clean_world.out, get_source("customers")).drop_duplicates("customer_id")
    touches = touches.merge(customers[["customer_id", "signup_at"]], on="customer_id")
    occurred, signup = pd.to_datetime(touches.occurred_at), pd.to_datetime(touches.signup_at)
    window = (occurred <= signup) & (occurred >= signup - pd.Timedelta(days=30))
    candidates = touches[window & (touches.channel != "direct")].sort_values(["occurred_at", "touchpoint_id"])
    last = candidates.groupby("customer_id").channel.last()

    expected = truth(clean_world.truth_out, "customer_channels.csv").set_index("customer_id")
    linked = set(touches.customer_id)
    attributed = pd.Series({c: last.get(c, "direct") for c in linked})  # only direct touches: direct
    trackable = expected[expected.trackable == "true"]
    assert set(trackable.index) == linked  # untrackable customers have no linked touchpoint at all
    assert (attributed[trackable.index] == trackable.true_channel).all()

    # The rule is really tested: other channels earlier in the window and outside it, direct visits
    # after the true touch.
    true_channel = touches.customer_id.map(expected.true_channel)
    other = (touches.channel != "direct") & (touches.channel != true_channel)
    assert touches[window & other].customer_id.nunique() > 100
    assert touches[~window & other].customer_id.nunique() > 100
    after_true = occurred > touches.customer_id.map(candidates.groupby("customer_id").occurred_at.last()).pipe(
        pd.to_datetime
    )
    direct_between = (touches.channel == "direct") & after_true & (occurred < signup)
    assert touches[direct_between].customer_id.nunique() > 100


def test_tracking_loss_differs_by_channel_and_is_drawn_per_customer(clean_world: WorldSummary) -> None:
    customers = truth(clean_world.truth_out, "customer_channels.csv")
    customers["untrackable"] = customers.trackable == "false"
    stated = truth(clean_world.truth_out, "tracking_loss.csv").set_index("true_channel")
    assert set(stated["mode"]) == {"channel"}
    assert stated.loss_rate.astype(float).to_dict() == TRACKING_LOSS_BY_CHANNEL
    assert min(TRACKING_LOSS_BY_CHANNEL.values()) <= 0.05 and max(TRACKING_LOSS_BY_CHANNEL.values()) >= 0.45

    by_channel = customers.groupby("true_channel").untrackable.agg(["size", "mean"])
    rate = pd.Series(TRACKING_LOSS_BY_CHANNEL)[by_channel.index]
    sd = (rate * (1 - rate) / by_channel["size"]) ** 0.5
    assert ((by_channel["mean"] - rate).abs() <= 4 * sd + 1e-9).all(), by_channel  # each channel's own rate
    # Drawn at random, not stratified: the channel-months of paying customers miss their exact share by
    # more than rounding, as chance does.
    paying = customers[customers.converted_at != ""].assign(month=lambda f: f.converted_at.str[:7])
    stats = paying.groupby(["true_channel", "month"]).untrackable.agg(["size", "sum"])
    expected = stats["size"] * pd.Series(TRACKING_LOSS_BY_CHANNEL).reindex(stats.index, level="true_channel")
    assert ((stats["sum"] - expected).abs() > 1).sum() >= 5
    # So the attributed mix is no miniature of the unattributed customers (what the calibrated CAC is for).
    lost = customers[customers.untrackable].true_channel.value_counts(normalize=True)
    kept = customers[~customers.untrackable].true_channel.value_counts(normalize=True)
    assert lost["paid_social"] > 1.5 * kept["paid_social"] and lost["paid_search"] < 0.7 * kept["paid_search"]


def test_heard_about_us_is_answered_by_about_40_percent_in_many_words(clean_world: WorldSummary) -> None:
    customers = load(clean_world.out, get_source("customers")).drop_duplicates("customer_id", keep="last")
    expected = truth(clean_world.truth_out, "customer_channels.csv").set_index("customer_id")
    customers = customers.set_index("customer_id").join(expected[["true_channel", "trackable", "answer_kind"]])
    answered = customers.heard_about_us.str.strip() != ""
    assert 0.35 <= answered.mean() <= 0.45
    assert (answered == (customers.answer_kind != "")).all()  # the truth says who answered, and how
    kinds = customers.answer_kind[answered].value_counts(normalize=True)
    assert kinds["own_channel"] > 0.6 and kinds["other_channel"] > 0.1 and kinds["vague"] > 0.05
    # Free text: many spellings, case and punctuation as typed; paid and organic search both say "google".
    texts = customers.heard_about_us[answered]
    assert texts.nunique() > 150
    assert texts.str.contains(r"[A-Z]").any() and texts.str.contains(r"[.!]$").any()
    google = texts.str.lower().str.strip(" .!:)").eq("google")
    said_google = customers[answered & google.reindex(customers.index, fill_value=False)].true_channel
    assert {"paid_search", "organic_search"} <= set(said_google)
    # Answering depends a little on the channel, never on whether the tracker saw the customer.
    rates = customers.assign(answered=answered).groupby("true_channel").answered.mean()
    assert rates["referral"] > rates["display"]
    by_tracking = customers.assign(answered=answered).groupby("trackable").answered.mean()
    assert abs(by_tracking["true"] - by_tracking["false"]) < 0.05
    survey = truth(clean_world.truth_out, "survey.csv").set_index("true_channel")
    assert survey.answer_rate.astype(float).to_dict() == ANSWER_RATE_BY_CHANNEL


def test_older_customers_files_are_a_prefix_of_todays(clean_world: WorldSummary) -> None:
    """heard_about_us is the customers file's last column: a file of before it holds the same columns."""
    header = Path(next((clean_world.out / "customers").glob("*.csv"))).read_text().splitlines()[0].split(",")
    assert header[-1] == "heard_about_us"
    assert get_source("customers").column("heard_about_us").may_be_absent


def test_uniform_tracking_loss_is_stratified_by_channel_and_month(uniform_world: WorldSummary) -> None:
    customers = truth(uniform_world.truth_out, "customer_channels.csv")
    customers["untrackable"] = customers.trackable == "false"
    assert abs(customers.untrackable.mean() - UNTRACKABLE_SHARE) < 0.01
    for column in ("converted_at", "signup_at"):
        group = customers[customers[column] != ""].assign(month=lambda f, c=column: f[c].str[:7])
        stats = group.groupby(["true_channel", "month"]).untrackable.agg(["size", "sum"])
        assert ((stats["sum"] - stats["size"] * UNTRACKABLE_SHARE).abs() <= 0.5 + 1e-9).all(), column

        # Apportioning the untracked by the tracked mix recovers each channel's count within 5%.
        tracked = group[~group.untrackable].groupby(["month", "true_channel"]).size()
        month_total = group.groupby("month").size()
        month_tracked = group[~group.untrackable].groupby("month").size()
        estimate = tracked * (month_total / month_tracked).reindex(tracked.index, level="month")
        actual = group.groupby(["month", "true_channel"]).size()
        big = actual[actual >= 20].index
        assert len(big) >= 8
        assert ((estimate[big] / actual[big] - 1).abs() < 0.05).all(), column


def test_spend_gives_a_plausible_cac_per_paid_channel(clean_world: WorldSummary) -> None:
    spend = load(clean_world.out, get_source("marketing_spend"))
    fx = load(clean_world.out, get_source("fx_rates")).rename(columns={"rate_date": "spend_date"})
    spend = spend.merge(fx[["spend_date", "currency", "usd_per_unit"]], how="left", on=["spend_date", "currency"])
    spend["usd"] = spend.amount.astype(float) * spend.usd_per_unit.astype(float).fillna(1.0)
    assert set(spend.currency) == {"USD", "EUR", "GBP"}
    assert 0.15 <= (spend.currency != "USD").mean() <= 0.25
    assert spend.usd_per_unit[spend.currency == "USD"].isna().all()  # no USD fx rows: 1 by definition

    customers = truth(clean_world.truth_out, "customer_channels.csv")
    paying = customers[customers.converted_at != ""].groupby("true_channel").size()
    cac = spend.groupby("channel").usd.sum() / paying
    assert set(spend.channel) == set(PAID_CHANNELS)
    assert cac[list(PAID_CHANNELS)].between(150, 450).all(), cac


def test_paid_touch_campaigns_match_spend_campaigns(clean_world: WorldSummary) -> None:
    touches = _touches_with_channel(clean_world)
    paid = touches[touches.channel.isin(PAID_CHANNELS)]
    spend = load(clean_world.out, get_source("marketing_spend"))
    assert set(paid.utm_campaign) == set(spend.campaign_id) == {c.campaign_id for c in CAMPAIGNS}
    unpaid = touches[~touches.channel.isin(PAID_CHANNELS)]
    assert not set(unpaid.utm_campaign) & set(spend.campaign_id)
    visitors = touches[~touches.anonymous_id.isin(touches.anonymous_id[touches.customer_id != ""])]
    assert len(visitors) > 2 * (len(touches) - len(visitors))


def test_the_cli_offers_every_tracking_loss_mode_with_the_generators_default() -> None:
    from aias_dagster.cli.main import TRACKING_LOSS_CHOICES
    from aias_dagster.sample_data.tracking import DEFAULT_TRACKING_LOSS, TRACKING_LOSS_MODES

    assert set(TRACKING_LOSS_CHOICES) == set(TRACKING_LOSS_MODES)
    assert TRACKING_LOSS_CHOICES[0] == DEFAULT_TRACKING_LOSS
