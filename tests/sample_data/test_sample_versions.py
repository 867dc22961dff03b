"""Versioned sources: a change of state is delivered as a newer version on the day it happens."""

from __future__ import annotations

import pandas as pd
from sample_world_checks import bad_lines, load, truth

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import WorldSummary
from aias_dagster.sample_data.world import PLANS


def _good(world: WorldSummary, source: str) -> pd.DataFrame:
    return load(world.out, get_source(source), bad_lines(world.truth_out))


def test_customer_conversion_is_delivered_as_a_newer_version(small_world: WorldSummary) -> None:
    customers = _good(small_world, "customers").sort_values(["customer_id", "updated_at"])
    assert not customers.duplicated(["_file", "customer_id"]).any()
    first = customers.drop_duplicates("customer_id", keep="first").set_index("customer_id")
    last = customers.drop_duplicates("customer_id", keep="last").set_index("customer_id")
    versions = customers.groupby("customer_id").size()
    assert set(versions) <= {1, 2} and (versions == 2).sum() > 20

    assert (first["_file"] == first.signup_at.str[:10]).all()
    twice = versions[versions == 2].index
    assert (first.converted_at[twice] == "").all()
    assert (first.updated_at[twice] == first.signup_at[twice]).all()
    assert (last.converted_at[twice] != "").all()
    assert (last.updated_at[twice] == last.converted_at[twice]).all()
    assert (last["_file"][twice] == last.converted_at[twice].str[:10]).all()
    assert (last.converted_at[twice].str[:10] > last.signup_at[twice].str[:10]).all()
    once = versions[versions == 1].index  # never paid, or paid on the day of signup
    converted_once = first.loc[once][first.converted_at[once] != ""]
    assert (converted_once.converted_at.str[:10] == converted_once.signup_at.str[:10]).all()

    expected = truth(small_world.truth_out, "customer_channels.csv").set_index("customer_id")
    assert (last.converted_at == expected.converted_at[last.index]).all()
    share = (expected.converted_at != "").mean()
    assert 0.3 < share < 0.6  # 45-55% in a 90-day world; a 20-day world cuts off more conversions


def test_plan_change_ends_old_subscription_and_starts_new_one(clean_world: WorldSummary) -> None:
    subs = _good(clean_world, "subscriptions").sort_values(["subscription_id", "updated_at"])
    latest = subs.drop_duplicates("subscription_id", keep="last")
    ended = subs[subs.ended_at != ""]
    assert (ended.updated_at == ended.ended_at).all() and (ended["_file"] == ended.ended_at.str[:10]).all()
    started = subs[subs.ended_at == ""]
    assert (started.updated_at == started.started_at).all()
    assert (started["_file"] == started.started_at.str[:10]).all()

    customers = truth(clean_world.truth_out, "customer_channels.csv").set_index("customer_id")
    by_customer = latest.sort_values("started_at").groupby("customer_id")
    first = by_customer.first()
    assert (first.started_at == customers.converted_at[first.index]).all()  # pays from converted_at
    assert set(first.index) == set(customers.index[customers.converted_at != ""])

    rank = {p.plan_id: p.rank for p in PLANS}
    changes = 0
    for _, group in by_customer:
        for old, new in zip(group.iloc[:-1].itertuples(), group.iloc[1:].itertuples(), strict=True):
            changes += 1
            assert old.ended_at == new.started_at  # the new plan starts the instant the old one ends
            assert abs(rank[old.plan_id] - rank[new.plan_id]) == 1
            assert 8 <= int(new.started_at[8:10]) <= 22  # mid-month
    paying = len(first)
    assert 0.05 < changes / paying < 0.12
    cancelled = latest[(latest.ended_at != "") & ~latest.customer_id.isin(latest.customer_id[latest.ended_at == ""])]
    assert 0.005 < len(cancelled) / paying < 0.06


def test_solved_ticket_is_delivered_again_on_its_solved_day(small_world: WorldSummary) -> None:
    tickets = _good(small_world, "support_tickets").sort_values(["ticket_id", "updated_at"])
    assert not tickets.duplicated(["_file", "ticket_id"]).any()
    first = tickets.drop_duplicates("ticket_id", keep="first")
    assert (first["_file"] == first.created_at.str[:10]).all()
    assert (tickets["_file"] == tickets.updated_at.str[:10]).all()
    step = tickets.status.map({"open": 0, "pending": 1, "solved": 2, "closed": 2})
    assert (step.groupby(tickets.ticket_id).diff().dropna() > 0).all()  # open -> pending -> solved/closed
    done = tickets[step == 2]
    assert (done.solved_at != "").all() and (done.updated_at == done.solved_at).all()
    assert (tickets.solved_at[step < 2] == "").all() and (tickets.csat_score[step < 2] == "").all()
    assert (tickets.first_response_at[step == 0] == "").all() and (tickets.first_response_at[step > 0] != "").all()
    assert (tickets.ticket_id.value_counts() > 1).sum() > 0.5 * tickets.ticket_id.nunique()


def test_api_requests_only_while_subscribed(small_world: WorldSummary) -> None:
    subs = _good(small_world, "subscriptions").sort_values("updated_at")
    subs = subs.drop_duplicates("subscription_id", keep="last")
    requests = _good(small_world, "api_requests")
    merged = requests.merge(subs[["customer_id", "started_at", "ended_at"]], on="customer_id")
    inside = (merged.requested_at >= merged.started_at) & (
        (merged.ended_at == "") | (merged.requested_at < merged.ended_at)
    )
    assert inside.groupby(merged.request_id).any().all()
    assert set(requests.request_id) == set(merged.request_id)
