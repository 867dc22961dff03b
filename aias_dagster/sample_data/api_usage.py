"""Metered API requests of customers with an active subscription: the billing loop's usage."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.arrays import expand
from aias_dagster.sample_data.billing import Subscriptions
from aias_dagster.sample_data.columns import MISSING, Coded, Fixed, Ident, Integer, SourceRows, Stamp
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.delivery import LATE_SHARE, deliver
from aias_dagster.sample_data.incidents import Incident
from aias_dagster.sample_data.timeline import DAY, Timeline, pick

ENDPOINT_LATENCY_MS: tuple[float, ...] = (90.0, 140.0, 60.0, 900.0, 400.0)  # median, by world.ENDPOINTS
GET, POST, DELETE = range(3)
BATCH = world.ENDPOINTS.index(world.BATCH_ENDPOINT)
EMPTY_UNITS_SHARE = 0.01  # single-unit requests whose units field is left empty (contract default 1)


@dataclass(frozen=True, eq=False)
class ApiRequests:
    """One entry per request, numbered in time order (request number n is ``R`` + n)."""

    customer: np.ndarray
    seconds: np.ndarray
    endpoint: np.ndarray
    method: np.ndarray
    status: np.ndarray
    key: np.ndarray  # api key number
    latency_tenths: np.ndarray
    units: np.ndarray  # MISSING = empty field

    @property
    def number(self) -> np.ndarray:
        return np.arange(1, len(self.customer) + 1)


def build_requests(
    rng: np.random.Generator,
    timeline: Timeline,
    customers: Customers,
    subs: Subscriptions,
    incidents: tuple[Incident, ...],
) -> ApiRequests:
    """Daily volume by plan and customer (weekday peaks), spread over each subscription's days."""
    end = np.minimum(subs.end_s, timeline.end_s)
    first_day = timeline.day_of(subs.start_s)
    sub, pos = expand(np.maximum(timeline.day_of(end - 1) - first_day + 1, 0))
    day = first_day[sub] + pos
    lo = np.maximum(timeline.day_start(day), subs.start_s[sub])
    hi = np.minimum(timeline.day_start(day) + DAY, end[sub])
    intensity = rng.lognormal(0.0, 0.6, customers.n)
    per_day = np.asarray([p.mean_daily_requests for p in world.PLANS])[subs.plan[sub]]
    mean = per_day * intensity[subs.customer[sub]] * timeline.weekday_factor(0.5)[day] * (hi - lo) / DAY
    slot, _ = expand(rng.poisson(mean))
    seconds = lo[slot] + np.floor(rng.random(len(slot)) * (hi - lo)[slot]).astype(np.int64)
    customer = subs.customer[sub][slot]
    order = np.lexsort((customer, seconds))
    seconds, customer = seconds[order], customer[order]
    n = len(seconds)

    endpoint = pick(rng, world.ENDPOINT_WEIGHTS, n)
    method = np.zeros(n, dtype=np.int64)
    for code, name in enumerate(world.ENDPOINTS):
        at = np.flatnonzero(endpoint == code)
        method[at] = pick(rng, world.ENDPOINT_METHODS[name], len(at))
    status = _statuses(rng, method, seconds, incidents)
    units = np.where(endpoint == BATCH, rng.integers(10, 101, n), 1)
    units = np.where((endpoint != BATCH) & (rng.random(n) < EMPTY_UNITS_SHARE), MISSING, units)
    return ApiRequests(
        customer=customer,
        seconds=seconds,
        endpoint=endpoint,
        method=method,
        status=status,
        key=_api_keys(rng, customers.n, customer),
        latency_tenths=_latency_tenths(rng, endpoint, status),
        units=units,
    )


def request_rows(rng: np.random.Generator, timeline: Timeline, customers: Customers, req: ApiRequests) -> SourceRows:
    day, arrival = deliver(rng, timeline, req.seconds, LATE_SHARE)
    columns = {
        "request_id": Ident("R", req.number, 10),
        "customer_id": customers.ids(req.customer),
        "api_key_id": Ident("K", req.key, 6),
        "endpoint": Coded(req.endpoint, world.ENDPOINTS),
        "method": Coded(req.method, world.METHODS),
        "status_code": Integer(req.status),
        "requested_at": Stamp(req.seconds),
        "latency_ms": Fixed(req.latency_tenths, 1),
        "units": Integer(req.units),
    }
    return SourceRows(get_source("api_requests"), columns, day, arrival)


def _statuses(
    rng: np.random.Generator, method: np.ndarray, seconds: np.ndarray, incidents: tuple[Incident, ...]
) -> np.ndarray:
    n = len(method)
    ok = np.where(method == POST, np.where(rng.random(n) < 0.8, 201, 200), np.where(method == DELETE, 204, 200))
    kind = pick(rng, tuple(world.STATUS_CLASS_WEIGHTS.values()), n)
    client = np.asarray(list(world.CLIENT_ERRORS))[pick(rng, tuple(world.CLIENT_ERRORS.values()), n)]
    server = np.asarray(list(world.SERVER_ERRORS))[pick(rng, tuple(world.SERVER_ERRORS.values()), n)]
    not_modified = np.where(method == GET, 304, ok)
    status = np.choose(kind, [ok, not_modified, client, server])
    for incident in incidents:
        hit = (seconds >= incident.start_s) & (seconds < incident.end_s) & (rng.random(n) < incident.share)
        status = np.where(hit, incident.status_code, status)
    return status


def _latency_tenths(rng: np.random.Generator, endpoint: np.ndarray, status: np.ndarray) -> np.ndarray:
    n = len(endpoint)
    ms = np.asarray(ENDPOINT_LATENCY_MS)[endpoint] * rng.lognormal(0.0, 0.5, n)
    ms = np.where(status == 304, ms * 0.3, ms)
    ms = np.where((status >= 400) & (status < 500), ms * 0.4, ms)
    ms = np.where(status == 429, rng.uniform(0.5, 5.0, n), ms)
    ms = np.where((status == 502) | (status == 503), rng.uniform(5.0, 60.0, n), ms)
    ms = np.where(status == 504, 30_000 + np.abs(rng.normal(0, 40, n)), ms)
    return np.round(ms * 10).astype(np.int64)


def _api_keys(rng: np.random.Generator, n_customers: int, customer: np.ndarray) -> np.ndarray:
    """Each customer has 1-3 keys; most traffic uses the first. Key numbers are shuffled."""
    keys = 1 + pick(rng, (0.6, 0.3, 0.1), n_customers)
    first = np.cumsum(keys) - keys
    which = np.floor(rng.random(len(customer)) ** 2 * keys[customer]).astype(np.int64)
    return rng.permutation(int(keys.sum()))[first[customer] + which] + 1
