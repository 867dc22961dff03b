"""What the parsers hand the store: rows of the contract's raw tables, and rejects with their reason.

A type of its own so that segment.py, sentry.py and store.py share it without importing each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ProductEvent:
    """One raw.product_events row (docs/data_contract.md, product_events)."""

    event_id: str
    customer_id: str
    user_id: str
    event_name: str
    feature: str | None
    occurred_at: datetime
    properties: dict[str, Any] | None


@dataclass(frozen=True)
class UserGroup:
    """A Segment `group` call: the user's account from now on."""

    user_id: str
    customer_id: str
    at: datetime


@dataclass(frozen=True)
class AppError:
    """One raw.app_errors row, and the top application frames of its stack (raw.app_error_frames)."""

    error_id: str
    occurred_at: datetime
    service: str
    customer_id: str | None
    request_id: str | None
    error_class: str
    message: str
    http_status: int | None
    frames: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reject:
    """An event that breaks the contract: kept in raw.load_rejects with the reason, like a loader reject."""

    raw: str  # the event as sent (JSON), so the sender can see what was wrong with it
    reason: str  # every field that failed, as the loader writes it: `field: what (got 'value')`


@dataclass
class Parsed:
    """A request's content: the rows to store, the rejects, and what is acknowledged without a row."""

    events: list[ProductEvent] = field(default_factory=list)
    errors: list[AppError] = field(default_factory=list)
    groups: list[UserGroup] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)  # item type -> count (sessions, transactions...)

    def ignore(self, kind: str) -> None:
        self.ignored[kind] = self.ignored.get(kind, 0) + 1


def as_raw(value: Any, limit: int | None = 8192) -> str:
    """An event as JSON for a reject's raw_line, cut at limit characters (None: whole, to measure it)."""
    return clip(json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":")), limit)


def clip(text: str, limit: int | None = 8192) -> str:
    return text if limit is None or len(text) <= limit else text[:limit] + "..."


NUL_REASON = "contains a NUL character (\\u0000), which Postgres cannot store"


def holds_nul(value: Any, raw: str | None = None) -> bool:
    """Whether a NUL character is in any string of an event (keys too): Postgres stores none, so its insert would
    fail the whole request, and the SDK would send the batch again for ever.

    With the event's as_raw text, only an event whose JSON has the escape `\\u0000` at all is walked (a search
    in C instead of a walk in Python for every event: a third of the parse's time before)."""
    if raw is not None and "\\u0000" not in raw:
        return False
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False


def screened(item: Any, what: str, limit: int) -> tuple[str, Reject | None]:
    """An item's raw text for a reject, and the reject when it cannot be stored at all: larger than limit bytes
    of JSON (the spec's limit per call or event), or holding a NUL character. Both parsers screen with it."""
    whole = as_raw(item, limit=None)
    raw = clip(whole)
    if len(whole.encode()) > limit:
        return raw, Reject(raw, f"{what}: larger than {limit // 1024} KB")
    if holds_nul(item, whole):
        return raw, Reject(raw, f"{what}: {NUL_REASON}")
    return raw, None


def shown(value: Any, limit: int = 80) -> str:
    """A value as a reject reason quotes it: `(got '...')`."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."
