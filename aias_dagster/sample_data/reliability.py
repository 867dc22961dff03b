"""Application errors: most raised by a failed API request, the rest by background jobs and incidents.

Request-linked errors reuse the request's id, customer, key and status, so a fingerprint, a ticket
and a request can be joined; incident windows make bursts of one category on a few days. Background
jobs run for the accounts with a running subscription, the same accounts whose requests make the API
traffic, so errors grow with the traffic as the world fills up instead of starting at full volume
on a day with a handful of customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.api_usage import ApiRequests
from aias_dagster.sample_data.arrays import expand
from aias_dagster.sample_data.billing import Subscriptions
from aias_dagster.sample_data.columns import MISSING, Coded, Ident, Integer, SourceRows, Stamp, Text
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.delivery import LATE_SHARE, deliver
from aias_dagster.sample_data.error_messages import ERROR_CLASSES, ErrorText, error_messages
from aias_dagster.sample_data.incidents import Incident
from aias_dagster.sample_data.timeline import DAY, HOUR, MINUTE, NEVER, Timeline, pick

CATEGORIES = world.ERROR_CATEGORIES
# Share of failed requests (by status) that log an app error, and the error's TRUE category.
LOGGED_SHARE: dict[int, float] = {
    400: 0.4, 401: 0.7, 403: 0.5, 404: 0.3, 409: 0.4, 422: 0.4, 429: 0.6, 500: 0.9, 502: 0.9, 503: 0.9, 504: 0.9,
}  # fmt: skip
STATUS_CATEGORIES: dict[int, tuple[tuple[str, float], ...]] = {
    400: (("validation", 1.0),),
    401: (("auth_expired", 1.0),),
    403: (("permission", 1.0),),
    404: (("not_found", 1.0),),
    409: (("validation", 1.0),),
    422: (("validation", 1.0),),
    429: (("rate_limit", 1.0),),
    500: (("internal", 0.6), ("database", 0.4)),
    502: (("connection", 0.5), ("upstream_unavailable", 0.5)),
    503: (("upstream_unavailable", 1.0),),
    504: (("timeout", 1.0),),
}
# Background-job errors per day of one running subscription (weekends at 0.7 of a weekday).
BACKGROUND_PER_ACCOUNT_DAY = 0.012
BACKGROUND_WEIGHTS: dict[str, float] = {
    "timeout": 0.2, "connection": 0.2, "upstream_unavailable": 0.15, "database": 0.2, "internal": 0.2,
    "auth_expired": 0.05,
}  # fmt: skip
INCIDENT_ERRORS_PER_HOUR_PER_1000_ACCOUNTS = 30.0  # accounts with a running subscription at the start
CUSTOMER_NAMED_SHARE = 0.6  # of background and incident errors, those that name the account
RESOLVED_SHARE = {"auto_fixable": 0.8, "other": 0.6}


@dataclass(frozen=True, eq=False)
class Errors:
    """One entry per error in time order (error number n is ``ER`` + n)."""

    seconds: np.ndarray
    category: np.ndarray  # TRUE category, index into world.ERROR_CATEGORIES
    service: np.ndarray  # index into world.SERVICES
    customer: np.ndarray  # -1 = empty
    request: np.ndarray  # request number, -1 = empty
    key: np.ndarray  # api key number named in some messages, -1 = unknown
    endpoint: np.ndarray  # index into world.ENDPOINTS
    http_status: np.ndarray  # MISSING = empty
    text: ErrorText  # class, message and TRUE group

    @property
    def number(self) -> np.ndarray:
        return np.arange(1, len(self.seconds) + 1)


def build_errors(
    rng: np.random.Generator,
    timeline: Timeline,
    customers: Customers,
    req: ApiRequests,
    incidents: tuple[Incident, ...],
    subs: Subscriptions,
) -> Errors:
    parts = [_request_errors(rng, req, incidents, timeline), _background_errors(rng, timeline, subs)]
    parts += [_incident_errors(rng, subs, incident) for incident in incidents]
    merged = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    order = np.lexsort((merged["category"], merged["seconds"]))
    category = merged["category"][order]
    service = merged["service"][order]
    pick_service = service < 0  # choose one of the category's services
    for code, name in enumerate(CATEGORIES):
        at = np.flatnonzero(pick_service & (category == code))
        options = np.asarray([world.SERVICES.index(s) for s in world.ERROR_KINDS[name].services])
        service[at] = options[rng.integers(0, len(options), len(at))]
    seconds, customer, request = merged["seconds"][order], merged["customer"][order], merged["request"][order]
    key, endpoint = merged["key"][order], merged["endpoint"][order]
    text_rng = np.random.default_rng(int(rng.integers(0, 2**63)))
    text = error_messages(text_rng, customers, category, service, seconds, customer, request, key, endpoint)
    return Errors(
        seconds=seconds,
        category=category,
        service=service,
        customer=customer,
        request=request,
        key=key,
        endpoint=endpoint,
        http_status=merged["http_status"][order],
        text=text,
    )


def error_rows(rng: np.random.Generator, timeline: Timeline, customers: Customers, errors: Errors) -> SourceRows:
    e = errors
    n = len(e.seconds)
    auto = np.isin(e.category, [CATEGORIES.index(c) for c in world.AUTO_FIXABLE_CATEGORIES])
    resolved_share = np.where(auto, RESOLVED_SHARE["auto_fixable"], RESOLVED_SHARE["other"])
    resolved = e.seconds + (MINUTE + 40 * MINUTE * rng.lognormal(0.0, 1.2, n)).astype(np.int64)
    resolved = np.where((rng.random(n) < resolved_share) & (resolved < timeline.end_s), resolved, NEVER)
    day, arrival = deliver(rng, timeline, e.seconds, LATE_SHARE)
    columns = {
        "error_id": Ident("ER", e.number, 9),
        "occurred_at": Stamp(e.seconds),
        "service": Coded(e.service, world.SERVICES),
        "customer_id": customers.ids(e.customer),
        "request_id": Ident("R", e.request, 10),
        "error_class": Coded(e.text.error_class, ERROR_CLASSES),
        "message": Text(e.text.message),
        "http_status": Integer(e.http_status),
        "resolved_at": Stamp(resolved),
    }
    return SourceRows(get_source("app_errors"), columns, day, arrival)


def _request_errors(
    rng: np.random.Generator, req: ApiRequests, incidents: tuple[Incident, ...], timeline: Timeline
) -> dict[str, np.ndarray]:
    share = np.zeros(600)
    for status, value in LOGGED_SHARE.items():
        share[status] = value
    logged = np.flatnonzero(rng.random(len(req.status)) < share[req.status])
    status = req.status[logged]
    seconds = req.seconds[logged]
    category = np.full(len(logged), -1)
    for code, options in STATUS_CATEGORIES.items():
        at = np.flatnonzero(status == code)
        names = [CATEGORIES.index(c) for c, _ in options]
        category[at] = np.asarray(names)[pick(rng, tuple(w for _, w in options), len(at))]
    service = np.full(len(logged), -1)
    for incident in incidents:  # errors of an incident's requests are the incident's
        hit = (seconds >= incident.start_s) & (seconds < incident.end_s) & (status == incident.status_code)
        category[hit] = CATEGORIES.index(incident.category)
        service[hit] = world.SERVICES.index(incident.service)
    n = len(logged)
    after = np.ceil(req.latency_tenths[logged] / 10_000).astype(np.int64)  # raised when the request ends
    return {
        "seconds": np.minimum(seconds + after, timeline.end_s - 1),
        "category": category,
        "service": service,
        "customer": np.where(rng.random(n) < 0.97, req.customer[logged], -1),
        "request": np.where(rng.random(n) < 0.9, req.number[logged], -1),
        "key": req.key[logged],
        "endpoint": req.endpoint[logged],
        "http_status": status,
    }


def _background_errors(rng: np.random.Generator, timeline: Timeline, subs: Subscriptions) -> dict[str, np.ndarray]:
    """Errors of the jobs that run for each account while its subscription runs (syncs, exports, webhooks)."""
    end = np.minimum(subs.end_s, timeline.end_s)
    first_day = timeline.day_of(subs.start_s)
    sub, pos = expand(np.maximum(timeline.day_of(end - 1) - first_day + 1, 0))
    day = first_day[sub] + pos
    lo = np.maximum(timeline.day_start(day), subs.start_s[sub])
    hi = np.minimum(timeline.day_start(day) + DAY, end[sub])
    mean = BACKGROUND_PER_ACCOUNT_DAY * timeline.weekday_factor(0.7)[day] * (hi - lo) / DAY
    slot, _ = expand(rng.poisson(mean))
    seconds = lo[slot] + np.floor(rng.random(len(slot)) * (hi - lo)[slot]).astype(np.int64)
    names = tuple(BACKGROUND_WEIGHTS)
    n = len(slot)
    category = np.asarray([CATEGORIES.index(c) for c in names])[pick(rng, tuple(BACKGROUND_WEIGHTS.values()), n)]
    return _standalone(rng, seconds, category, np.full(n, -1), subs.customer[sub][slot])


def _incident_errors(rng: np.random.Generator, subs: Subscriptions, incident: Incident) -> dict[str, np.ndarray]:
    """Errors an incident raises outside the requests, as many as the accounts running when it starts."""
    running = np.flatnonzero((subs.start_s <= incident.start_s) & (subs.end_s > incident.start_s))
    hours = (incident.end_s - incident.start_s) / HOUR
    n = int(rng.poisson(INCIDENT_ERRORS_PER_HOUR_PER_1000_ACCOUNTS * hours * len(running) / 1000))
    seconds = rng.integers(incident.start_s, incident.end_s, n)
    category = np.full(n, CATEGORIES.index(incident.category))
    account = subs.customer[running[rng.integers(0, len(running), n)]] if n else np.zeros(0, np.int64)
    return _standalone(rng, seconds, category, np.full(n, world.SERVICES.index(incident.service)), account)


def _standalone(
    rng: np.random.Generator, seconds: np.ndarray, category: np.ndarray, service: np.ndarray, account: np.ndarray
) -> dict[str, np.ndarray]:
    """Errors of background jobs: no request; the account the job ran for named by most, a status by some."""
    n = len(seconds)
    customer = np.where(rng.random(n) < CUSTOMER_NAMED_SHARE, account, -1)
    status = np.full(n, MISSING)
    for code, name in enumerate(CATEGORIES):
        at = np.flatnonzero(category == code)
        options = np.asarray(world.ERROR_KINDS[name].http_statuses)
        chosen = options[rng.integers(0, len(options), len(at))]
        status[at] = np.where(chosen == 0, MISSING, chosen)
    return {
        "seconds": np.asarray(seconds, dtype=np.int64),
        "category": category,
        "service": service,
        "customer": customer,
        "request": np.full(n, -1),
        "key": np.full(n, -1),
        "endpoint": rng.integers(0, len(world.ENDPOINTS), n),
        "http_status": status,
    }
