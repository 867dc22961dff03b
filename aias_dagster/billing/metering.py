"""What a close reads: subscriptions, and each customer-month's billable and unbillable units.

Read from the staging views (one current row per request and subscription, as the loader keeps raw).
A request is billable when it was answered 200..399; it is billed when a subscription of its customer
covers its `requested_at`, and is "unbillable usage" otherwise: counted and reported, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import psycopg

from aias_dagster.billing.pricing import Subscription, midnight, next_month

REQUESTS = "staging.stg_platform__api_requests"
SUBSCRIPTIONS = "staging.stg_platform__subscriptions"

# A join, not a correlated EXISTS: the subscriptions view deduplicates with a window function, and a
# subquery per request would evaluate it once per request (minutes on the demo world, not a second).
USAGE_SQL = f"""
with subscriptions as materialized (
    select customer_id, started_at, ended_at
    from {SUBSCRIPTIONS}
),
requests as (
    select
        request_id,
        customer_id,
        date_trunc('month', requested_at at time zone 'UTC')::date as month,
        requested_at,
        units
    from {REQUESTS}
    where is_billable
      and requested_at >= %(start)s
      and requested_at < %(end)s
),
matched as (
    select
        r.request_id,
        r.customer_id,
        r.month,
        r.units,
        count(s.customer_id) > 0 as covered
    from requests as r
    left join subscriptions as s
        on s.customer_id = r.customer_id
       and s.started_at <= r.requested_at
       and (s.ended_at is null or r.requested_at < s.ended_at)
    group by r.request_id, r.customer_id, r.month, r.units
)
select
    customer_id,
    month,
    coalesce(sum(units) filter (where covered), 0)::bigint as billable_units,
    coalesce(sum(units) filter (where not covered), 0)::bigint as unbillable_units,
    count(*) filter (where not covered) as unbillable_requests
from matched
group by customer_id, month
"""


@dataclass(frozen=True)
class Usage:
    customer_id: str
    month: date
    billable_units: int
    unbillable_units: int
    unbillable_requests: int


def usage_between(conn: psycopg.Connection, first: date, last: date) -> dict[tuple[str, date], Usage]:
    """Usage per (customer, month) for the months first..last (month starts, both included)."""
    params = {"start": midnight(first), "end": midnight(next_month(last))}
    return {(row[0], row[1]): Usage(*row) for row in conn.execute(USAGE_SQL, params)}


def subscriptions(conn: psycopg.Connection) -> dict[str, list[Subscription]]:
    """Every subscription, by customer (a few thousand rows: the close reads them whole)."""
    out: dict[str, list[Subscription]] = {}
    query = f"select subscription_id, customer_id, plan_id, started_at, ended_at from {SUBSCRIPTIONS}"
    for row in conn.execute(query):
        out.setdefault(row[1], []).append(Subscription(*row))
    return out


def first_activity_month(conn: psycopg.Connection) -> date | None:
    """The first month anything could be billed in: the earliest subscription start or billable request."""
    row = conn.execute(
        f"""
        select date_trunc('month', least(
            (select min(started_at) from {SUBSCRIPTIONS}),
            (select min(requested_at) from {REQUESTS} where is_billable)
        ) at time zone 'UTC')::date
        """
    ).fetchone()
    return None if row is None else row[0]
