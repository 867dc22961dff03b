"""Support tickets: varied English per TRUE category, and a realistic lifecycle.

A ticket is delivered on the day it is created and again on each later day its state changes (first
response: pending; solution: solved or closed), each version with a newer ``updated_at``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import world
from aias_dagster.sample_data.api_usage import ApiRequests
from aias_dagster.sample_data.arrays import expand
from aias_dagster.sample_data.columns import MISSING, Coded, Ident, Integer, SourceRows, Stamp, Text
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.delivery import deliver
from aias_dagster.sample_data.text import fill, words
from aias_dagster.sample_data.ticket_text import (
    BODY_CLOSERS,
    BODY_OPENERS,
    CONTEXT_LINES,
    QUOTED_REPLIES,
    TICKET_FILLERS,
    TICKET_TEXTS,
    TYPOS,
    VAGUE_SUBJECTS,
)
from aias_dagster.sample_data.timeline import DAY, HOUR, MINUTE, NEVER, Timeline, pick

TICKETS = get_source("support_tickets")
CHANNELS = TICKETS.column("channel").choices
PRIORITIES = TICKETS.column("priority").choices  # low, normal, high, urgent
STATUSES = TICKETS.column("status").choices  # open, pending, solved, closed
TICKETS_PER_DAY = {"free": 0.0095, "paying": 0.027}  # per account
CATEGORY_WEIGHTS = {
    "free": (0.06, 0.16, 0.06, 0.08, 0.12, 0.12, 0.10, 0.06, 0.24),
    "paying": (0.15, 0.11, 0.17, 0.10, 0.13, 0.09, 0.08, 0.08, 0.09),
}  # by world.TICKET_CATEGORIES
URGENT_CATEGORIES = ("login_access", "api_errors", "performance")
FIRST_RESPONSE_MINUTES = (600.0, 240.0, 60.0, 20.0)  # median, by PRIORITIES
RESOLUTION_HOURS = (40.0, 20.0, 8.0, 3.0)  # median after the first response, by PRIORITIES
AGENT_CATEGORY_SHARE = 1 / 3
CSAT_SHARE = 0.4
REQUEST_LINK_SHARE = 0.6  # of api_errors tickets naming the failed request they are about
# How often each kind of noise turns up in a ticket's text (ticket_text.py), independently of each other.
FOREIGN_SHARE = 0.08  # written in German, Spanish or French
VAGUE_SUBJECT_SHARE = 0.12
QUOTED_REPLY_SHARE = 0.12  # an answer to the agent, whose reply is quoted below ("Re: " subject)
OPENER_SHARE = 0.4
CONTEXT_SHARE = 0.25
CLOSER_SHARE = 0.45
LOWER_CASE_SHARE = 0.1
SLOPPY_SHARE = 0.15  # tickets with typos; each known misspelling then happens with probability 1/2


@dataclass(frozen=True, eq=False)
class Tickets:
    """One entry per ticket in creation order (ticket number n is ``TK`` + n)."""

    customer: np.ndarray
    category: np.ndarray  # TRUE category, index into world.TICKET_CATEGORIES
    created_s: np.ndarray
    first_response_s: np.ndarray  # NEVER: not answered inside the world
    solved_s: np.ndarray  # NEVER: still open
    closed: np.ndarray  # terminal status is closed rather than solved
    priority: np.ndarray
    channel: np.ndarray
    reopened: np.ndarray
    csat: np.ndarray  # MISSING: no rating
    agent_category: np.ndarray  # 0 = empty, else 1 + category
    request: np.ndarray  # request number, -1 = none
    subject: np.ndarray
    body: np.ndarray

    @property
    def number(self) -> np.ndarray:
        return np.arange(1, len(self.customer) + 1)


def build_tickets(rng: np.random.Generator, timeline: Timeline, customers: Customers, requests: ApiRequests) -> Tickets:
    c = customers
    paid_from = np.minimum(c.converted_s, timeline.end_s)
    spans = [(c.signup_s, paid_from, "free"), (paid_from, np.full(c.n, timeline.end_s), "paying")]
    parts = []
    for lo, hi, kind in spans:
        days = np.maximum(hi - lo, 0) / DAY
        owner, _ = expand(rng.poisson(days * TICKETS_PER_DAY[kind]))
        created = lo[owner] + np.floor(rng.random(len(owner)) * (hi - lo)[owner]).astype(np.int64)
        category = pick(rng, CATEGORY_WEIGHTS[kind], len(owner))
        parts.append((owner, created, category))
    owner, created, category = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.lexsort((owner, created))
    owner, created, category = owner[order], created[order], category[order]
    n = len(owner)

    urgent_kind = np.isin(category, [world.TICKET_CATEGORIES.index(x) for x in URGENT_CATEGORIES])
    priority = np.where(urgent_kind, pick(rng, (0.1, 0.45, 0.3, 0.15), n), pick(rng, (0.2, 0.55, 0.18, 0.07), n))
    first_response = created + (
        MINUTE + np.asarray(FIRST_RESPONSE_MINUTES)[priority] * MINUTE * rng.lognormal(0.0, 0.8, n)
    ).astype(np.int64)
    reopened = np.where(rng.random(n) < 0.08, 1 + (rng.random(n) < 0.2), 0)
    work = np.asarray(RESOLUTION_HOURS)[priority] * HOUR * rng.lognormal(0.0, 0.9, n)
    solved = first_response + (MINUTE + work + reopened * 24 * HOUR * rng.lognormal(0.0, 0.5, n)).astype(np.int64)
    first_response = np.where(first_response < timeline.end_s, first_response, NEVER)
    solved = np.where(solved < timeline.end_s, solved, NEVER)

    slow = (solved - created > 48 * HOUR) | (reopened > 0)
    score = np.where(slow, pick(rng, (0.2, 0.2, 0.25, 0.2, 0.15), n), pick(rng, (0.06, 0.07, 0.15, 0.32, 0.4), n))
    csat = np.where((solved < NEVER) & (rng.random(n) < CSAT_SHARE), 1 + score, MISSING)
    agent = np.where(rng.random(n) < AGENT_CATEGORY_SHARE, 1 + category, 0)
    subject, body = _texts(rng, category)
    return Tickets(
        customer=owner,
        category=category,
        created_s=created,
        first_response_s=first_response,
        solved_s=solved,
        closed=rng.random(n) < 0.4,
        priority=priority,
        channel=pick(rng, (0.4, 0.25, 0.25, 0.1), n),
        reopened=reopened,
        csat=csat,
        agent_category=agent,
        request=_failed_request_before(rng, owner, created, category, requests),
        subject=subject,
        body=body,
    )


def ticket_rows(tickets: Tickets, customers: Customers, timeline: Timeline) -> SourceRows:
    """The state at the end of each day on which the ticket was created, answered or solved."""
    t = tickets
    instants = np.stack([t.created_s, t.first_response_s, t.solved_s], axis=1)
    valid = instants < NEVER
    day = timeline.day_of(np.where(valid, instants, 0))
    same_day_as_next = np.zeros_like(valid)
    same_day_as_next[:, :2] = valid[:, 1:] & (day[:, 1:] == day[:, :2])
    ticket, step = np.nonzero(valid & ~same_day_as_next)  # row-major: each ticket's versions in order
    last = valid.sum(axis=1) - 1
    final = np.where(t.closed, STATUSES.index("closed"), STATUSES.index("solved"))
    status = np.where(step == 2, final[ticket], step)  # 0 open, 1 pending
    updated = instants[ticket, step]
    is_last = step == last[ticket]
    columns = {
        "ticket_id": Ident("TK", t.number[ticket], 7),
        "customer_id": customers.ids(t.customer[ticket]),
        "created_at": Stamp(t.created_s[ticket]),
        "channel": Coded(t.channel[ticket], CHANNELS),
        "priority": Coded(t.priority[ticket], PRIORITIES),
        "subject": Text(t.subject[ticket]),
        "body": Text(t.body[ticket]),
        "status": Coded(status, STATUSES),
        "first_response_at": Stamp(np.where(step >= 1, t.first_response_s[ticket], NEVER)),
        "solved_at": Stamp(np.where(step == 2, t.solved_s[ticket], NEVER)),
        "reopened_count": Integer(np.where(is_last, t.reopened[ticket], 0)),
        "csat_score": Integer(np.where(step == 2, t.csat[ticket], MISSING)),
        "agent_category": Coded(t.agent_category[ticket], ("", *world.TICKET_CATEGORIES)),
        "request_id": Ident("R", t.request[ticket], 10),
        "updated_at": Stamp(updated),
    }
    file_day, order = deliver(None, timeline, updated)
    return SourceRows(TICKETS, columns, file_day, order)


def _texts(rng: np.random.Generator, category: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Subject and body of each ticket, composed from its category's phrasings and the noise around them."""
    n = len(category)
    slots = {name: words(rng, vocabulary, n) for name, vocabulary in TICKET_FILLERS.items()}
    texts = [TICKET_TEXTS[name] for name in world.TICKET_CATEGORIES]
    subject = _per_category(rng, category, [x.subjects for x in texts], slots)
    body = _per_category(rng, category, [x.bodies for x in texts], slots)
    pair = _choice_per_category(rng, category, [len(x.foreign) for x in texts])
    foreign = rng.random(n) < FOREIGN_SHARE
    subject = np.where(
        foreign, _per_category(rng, category, [[s for s, _ in x.foreign] for x in texts], slots, pair), subject
    )
    body = np.where(
        foreign, _per_category(rng, category, [[b for _, b in x.foreign] for x in texts], slots, pair), body
    )

    vague = rng.random(n) < VAGUE_SUBJECT_SHARE
    quoted = rng.random(n) < QUOTED_REPLY_SHARE
    subject = np.where(vague, _any_of(rng, VAGUE_SUBJECTS, slots), subject)
    subject = np.where(quoted & ~vague, "Re: " + subject, subject)
    body = (
        _sometimes(rng, OPENER_SHARE, _any_of(rng, BODY_OPENERS, slots))
        + body
        + np.where(foreign, "", _sometimes(rng, CONTEXT_SHARE, _any_of(rng, CONTEXT_LINES, slots)))
        + _sometimes(rng, CLOSER_SHARE, _any_of(rng, BODY_CLOSERS, slots))
        + np.where(quoted, _any_of(rng, QUOTED_REPLIES, slots), "")
    )
    lower = np.flatnonzero(rng.random(n) < LOWER_CASE_SHARE)
    subject[lower] = [s.lower() for s in subject[lower]]
    body[lower] = [b.lower() for b in body[lower]]
    sloppy = np.flatnonzero(rng.random(n) < SLOPPY_SHARE)
    for right, wrong in TYPOS:
        at = sloppy[rng.random(len(sloppy)) < 0.5]
        body[at] = [b.replace(right, wrong) for b in body[at]]
    return subject.astype(object), body.astype(object)


def _choice_per_category(rng: np.random.Generator, category: np.ndarray, counts: list[int]) -> np.ndarray:
    """A uniform pick among the ``counts[c]`` templates of each row's category c (0 where it has none)."""
    return rng.integers(0, 1 << 30, len(category)) % np.maximum(np.asarray(counts), 1)[category]


def _per_category(
    rng: np.random.Generator,
    category: np.ndarray,
    templates: list[tuple[str, ...]] | list[list[str]],
    slots: dict[str, np.ndarray],
    choice: np.ndarray | None = None,
) -> np.ndarray:
    """Row i filled from template ``choice[i]`` of its category's templates (a random one by default)."""
    flat = [t for x in templates for t in x]
    first = np.cumsum([0] + [len(x) for x in templates])[:-1]
    if choice is None:
        choice = _choice_per_category(rng, category, [len(x) for x in templates])
    return fill(flat, first[category] + choice, slots)


def _any_of(rng: np.random.Generator, templates: tuple[str, ...], slots: dict[str, np.ndarray]) -> np.ndarray:
    return fill(templates, rng.integers(0, len(templates), len(next(iter(slots.values())))), slots)


def _sometimes(rng: np.random.Generator, share: float, text: np.ndarray) -> np.ndarray:
    return np.where(rng.random(len(text)) < share, text, "")


def _failed_request_before(
    rng: np.random.Generator, customer: np.ndarray, created: np.ndarray, category: np.ndarray, req: ApiRequests
) -> np.ndarray:
    """Number of the customer's last failed request in the week before the ticket, for some api_errors
    tickets; -1 otherwise."""
    failed = np.flatnonzero(req.status >= 400)
    if not len(failed):
        return np.full(len(customer), -1)
    key = req.customer[failed] * (1 << 32) + req.seconds[failed]
    order = np.argsort(key, kind="stable")
    key, failed = key[order], failed[order]
    wanted = (category == world.TICKET_CATEGORIES.index("api_errors")) & (
        rng.random(len(customer)) < REQUEST_LINK_SHARE
    )
    pos = np.searchsorted(key, customer * (1 << 32) + created, side="right") - 1
    found = wanted & (pos >= 0)
    hit = failed[np.maximum(pos, 0)]
    found &= (req.customer[hit] == customer) & (created - req.seconds[hit] <= 7 * DAY)
    return np.where(found, req.number[hit], -1)
