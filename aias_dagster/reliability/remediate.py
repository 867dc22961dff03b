"""Running the playbooks: the remediation sensor's work, as plain functions.

One idempotency key per logical action (error, action, playbook version), derived, never stored
state: every retry and every later run sends the same key, so the endpoint runs the action at most
once whatever happens to this process. Attempts are bounded by the playbook; between them the wait
is exponential backoff with full jitter. Every attempt is appended to the ledger before and after
the call (aias_dagster/reliability/ledger.py).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg

from aias_dagster.reliability.backoff import Playbook, full_jitter, load_playbooks
from aias_dagster.reliability.ledger import Attempt, append, ensure_ledger, key_states

REMEDIATION_URL_ENV = "AIAS_REMEDIATION_URL"
SENSOR_INTERVAL = timedelta(minutes=5)
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Pending:
    error_id: str
    category: str
    occurred_at: datetime


def idempotency_key(error_id: str, playbook: Playbook) -> str:
    return hashlib.sha256(f"{error_id}|{playbook.action}|v{playbook.version}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: timed out or no connection
    body: str


def call_endpoint(url: str, key: str, payload: dict[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.read().decode(errors="replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(errors="replace"))
    except TimeoutError:
        return Answer(None, f"timed out after {timeout}s")
    except (urllib.error.URLError, ConnectionError) as error:
        return Answer(None, f"no answer: {error}")


def outcome_of(answer: Answer, attempt: int, max_attempts: int) -> str:
    """succeeded; retry while attempts remain for a retryable failure; else failed."""
    if answer.status is not None and 200 <= answer.status < 300:
        return "succeeded"
    retryable = answer.status is None or answer.status in RETRYABLE_STATUSES
    return "retry" if retryable and attempt < max_attempts else "failed"


class WallClock:
    """A live sensor: real time, real waits."""

    name = "wall"

    def begin(self, item: Pending) -> None:
        pass

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class ReplayClock:
    """The demo replaying history: each error is taken up at the first 5-minute sensor tick after it
    occurred, and time then runs on from there (real call durations plus the backoff waits, which are
    not slept). The ledger marks such rows `clock = replay`."""

    name = "replay"

    def __init__(self) -> None:
        self._origin = datetime.now(UTC)
        self._wall = time.monotonic()

    def begin(self, item: Pending) -> None:
        self._origin, self._wall = tick_after(item.occurred_at), time.monotonic()

    def now(self) -> datetime:
        return self._origin + timedelta(seconds=time.monotonic() - self._wall)

    def sleep(self, seconds: float) -> None:
        self._origin += timedelta(seconds=seconds)


def tick_after(moment: datetime) -> datetime:
    """The first sensor tick (every 5 minutes on the UTC clock) after moment."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    step = SENSOR_INTERVAL.total_seconds()
    return epoch + timedelta(seconds=((moment - epoch).total_seconds() // step + 1) * step)


@dataclass
class Summary:
    errors: int = 0
    skipped_done: int = 0
    attempts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    delays: list[float] = field(default_factory=list)

    def describe(self) -> str:
        done = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items())) or "nothing to do"
        return f"{self.errors} errors, {self.attempts} attempts: {done}; {self.skipped_done} already done"


def remediate(
    conn: psycopg.Connection,
    items: Iterable[Pending],
    url: str,
    *,
    playbooks: dict[str, Playbook] | None = None,
    clock: WallClock | ReplayClock | None = None,
    rng: random.Random | None = None,
    timeout: float = 5.0,
    call: Callable[[str, str, dict[str, str], float], Answer] = call_endpoint,
) -> Summary:
    """Run each pending error's playbook to success, to a final failure or to its attempt bound."""
    ensure_ledger(conn)
    playbooks = playbooks or load_playbooks()
    clock = clock or WallClock()
    rng = rng or random.Random()
    states = key_states(conn)
    summary = Summary()
    for item in items:
        playbook = playbooks.get(item.category)
        if playbook is None:
            continue
        key = idempotency_key(item.error_id, playbook)
        state = states.get(key)
        if state is not None and state.done:
            summary.skipped_done += 1
            continue
        summary.errors += 1
        clock.begin(item)
        first = (state.attempts_finished if state else 0) + 1
        for attempt in range(first, playbook.max_attempts + 1):
            started = clock.now()
            row = Attempt(item.error_id, item.category, playbook.action, key, attempt, started, None, "started",
                          clock=clock.name)  # fmt: skip
            append(conn, row)
            payload = {"error_id": item.error_id, "category": item.category, "action": playbook.action}
            answer = call(url, key, payload, timeout)
            outcome = outcome_of(answer, attempt, playbook.max_attempts)
            append(conn, Attempt(row.error_id, row.category, row.action, key, attempt, started, clock.now(), outcome,
                                 answer.status, answer.body, clock.name))  # fmt: skip
            summary.attempts += 1
            if outcome != "retry":
                summary.outcomes[outcome] += 1
                break
            delay = full_jitter(attempt, playbook.base_delay_seconds, playbook.cap_seconds, rng)
            summary.delays.append(delay)
            clock.sleep(delay)
    return summary


PENDING_SQL = """
select error_id, category, occurred_at, resolved_at
from intermediate.int_reliability__classified_errors
where is_auto_fixable
order by occurred_at, error_id
"""


def pending_errors(conn: psycopg.Connection, replay: bool = False) -> list[Pending]:
    """Auto-fixable errors still open: now (a live sensor), or at their first sensor tick (a replay)."""
    if conn.execute("select to_regclass('intermediate.int_reliability__classified_errors')").fetchone()[0] is None:
        return []
    return [
        Pending(error_id, category, occurred_at)
        for error_id, category, occurred_at, resolved_at in conn.execute(PENDING_SQL).fetchall()
        if resolved_at is None or (replay and resolved_at > tick_after(occurred_at))
    ]
