"""Sentry envelopes and store bodies, read into app_errors rows (pure functions, no database).

An envelope is a JSON header line, then items: a JSON item header (its `type`, and `length` when the payload
may hold line breaks) and the payload. `event` items (and the body of the older /store/ endpoint) are errors;
every other item type (sessions, transactions, client reports, attachments, ...) is acknowledged and counted.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aias_dagster.collect.bodies import json_object
from aias_dagster.collect.rows import AppError, Parsed, Reject, as_raw, screened, shown

ENVELOPE_LIMIT = 20 * 1024 * 1024  # Sentry's own limit of an envelope, decompressed
EVENT_LIMIT = 1024 * 1024  # and of one event
TOP_FRAMES = 5  # application frames kept per error, innermost first, for grouping
AUTH_KEY = re.compile(r"sentry_key\s*=\s*([^,\s]+)")


class SentryBodyError(ValueError):
    """The body is not an envelope (or an event, on /store/); the message says what is wrong (a 400)."""


def public_key(auth_header: str | None, query: str) -> str | None:
    """The DSN's public key: `X-Sentry-Auth: Sentry sentry_key=...`, else the `sentry_key` query parameter."""
    if auth_header:
        found = AUTH_KEY.search(auth_header)
        if found:
            return found.group(1)
    values = urllib.parse.parse_qs(query).get("sentry_key")
    return values[0] if values else None


def envelope_items(body: bytes) -> list[tuple[dict[str, Any], bytes]]:
    """(item header, payload) of each item; SentryBodyError names the item and what is wrong with it."""
    header_line, _, rest = body.partition(b"\n")
    json_object(header_line or b"{}", SentryBodyError, "envelope header")  # checked; its fields are not needed
    items = []
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        if not line.strip():
            continue
        number = len(items) + 1
        try:
            item = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SentryBodyError(f"item {number}: header is not JSON: {exc}") from None
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise SentryBodyError(f"item {number}: header must be a JSON object with a `type`")
        length = item.get("length")
        if length is not None:
            if not isinstance(length, int) or length < 0 or length > len(rest):
                raise SentryBodyError(f"item {number}: length {length!r} runs past the end of the envelope")
            payload, rest = rest[:length], rest[length:]
            rest = rest.removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item, payload))
    return items


def parse_envelope(body: bytes, received_at: datetime) -> Parsed:
    parsed = Parsed()
    for item, payload in envelope_items(body):
        if item["type"] != "event":
            parsed.ignore(item["type"])
            continue
        _add_event(parsed, payload, received_at)
    return parsed


def parse_store(body: bytes, received_at: datetime) -> Parsed:
    """The older /store/ endpoint: the body is one event."""
    event = json_object(body, SentryBodyError, "body (an event)")
    parsed = Parsed()
    result = error_row(event, received_at)
    (parsed.rejects if isinstance(result, Reject) else parsed.errors).append(result)  # type: ignore[arg-type]
    return parsed


def _add_event(parsed: Parsed, payload: bytes, received_at: datetime) -> None:
    try:
        event = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        parsed.rejects.append(Reject(payload[:8192].decode("utf-8", "replace"), f"event: not JSON ({exc})"))
        return
    if not isinstance(event, dict):
        parsed.rejects.append(Reject(as_raw(event), "event: must be a JSON object"))
        return
    result = error_row(event, received_at)
    if isinstance(result, Reject):
        parsed.rejects.append(result)
    else:
        parsed.errors.append(result)


def tags_of(event: Mapping[str, Any]) -> dict[str, str]:
    """Tags as a mapping; SDKs send an object or a list of [key, value] pairs."""
    tags = event.get("tags") or {}
    pairs = tags.items() if isinstance(tags, dict) else (t for t in tags if isinstance(t, list | tuple) and len(t) == 2)
    return {str(k): str(v) for k, v in pairs if v is not None}


def event_time(value: Any, received_at: datetime) -> datetime | None:
    """Sentry's timestamp: seconds since the epoch, or ISO 8601 (UTC when it names no offset, as Sentry reads it)."""
    if value is None:
        return received_at
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def last_exception(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The exception that was raised last (Sentry lists a chain oldest first)."""
    exception = event.get("exception")
    values = exception.get("values") if isinstance(exception, dict) else exception
    if isinstance(values, list):
        found = [v for v in values if isinstance(v, dict)]
        return found[-1] if found else None
    return None


def top_frames(exception: Mapping[str, Any] | None, limit: int = TOP_FRAMES) -> tuple[str, ...]:
    """The innermost application frames (`in_app`), as `module.function (file:line)`, innermost first."""
    stack = (exception or {}).get("stacktrace") or {}
    frames = [f for f in stack.get("frames") or [] if isinstance(f, dict)]
    mine = [f for f in frames if f.get("in_app")] or frames
    shown_frames = []
    for frame in reversed(mine[-limit:]):
        where = frame.get("module") or frame.get("filename") or "?"
        line = f"{where}.{frame.get('function') or '?'}"
        if frame.get("filename") and frame.get("lineno") is not None:
            line += f" ({frame['filename']}:{frame['lineno']})"
        shown_frames.append(line)
    return tuple(shown_frames)


def http_status_of(event: Mapping[str, Any], tags: Mapping[str, str]) -> Any:
    for name in ("http_status", "http.status_code", "status_code"):
        if name in tags:
            return tags[name]
    contexts = event.get("contexts") if isinstance(event.get("contexts"), dict) else {}
    response = contexts.get("response") if isinstance(contexts.get("response"), dict) else {}
    return response.get("status_code")


def error_row(event: Mapping[str, Any], received_at: datetime) -> AppError | Reject:
    """An event as an app_errors row, or a reject naming every field that failed."""
    raw, rejected = screened(event, "event", EVENT_LIMIT)
    if rejected is not None:
        return rejected
    tags = tags_of(event)
    reasons = []
    event_id = event.get("event_id")
    if not isinstance(event_id, str) or not event_id.strip():
        reasons.append("event_id: missing required value")
    occurred = event_time(event.get("timestamp"), received_at)
    if occurred is None:
        reasons.append(f"timestamp: not a time (got {shown(event.get('timestamp'))!r})")
    service = tags.get("service") or event.get("server_name")
    if not isinstance(service, str) or not service.strip():
        reasons.append("service: missing required value (tag `service` or server_name)")
    exception = last_exception(event)
    error_class, message = _class_and_message(event, exception)
    if not error_class:
        reasons.append("error_class: missing required value (no exception type)")
    if not message:
        reasons.append("message: missing required value (no exception value, log entry or message)")
    status = http_status_of(event, tags)
    http_status = None
    if status not in (None, ""):
        try:
            http_status = int(str(status).strip())
        except ValueError:
            reasons.append(f"http_status: not an integer (got {shown(status)!r})")
        else:
            if not 100 <= http_status <= 599:
                reasons.append(f"http_status: must be from 100 to 599 (got {shown(status)!r})")
    if reasons:
        return Reject(raw, "; ".join(reasons))
    user = event.get("user") if isinstance(event.get("user"), dict) else {}
    customer = user.get("id") or tags.get("customer_id")
    assert occurred is not None and isinstance(service, str) and isinstance(event_id, str)
    return AppError(
        error_id=event_id.strip(),
        occurred_at=occurred,
        service=service.strip(),
        customer_id=str(customer) if customer not in (None, "") else None,
        request_id=tags.get("request_id") or None,
        error_class=str(error_class),
        message=str(message),
        http_status=http_status,
        frames=top_frames(exception),
    )


def _class_and_message(event: Mapping[str, Any], exception: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    """From the last exception; an event without one (capture_message, a logged error) is its log entry."""
    if exception is not None:
        error_class = exception.get("type")
        message = exception.get("value")
        if message in (None, ""):
            message = error_class
        return (str(error_class) if error_class else None), (str(message) if message else None)
    entry = event.get("logentry") if isinstance(event.get("logentry"), dict) else {}
    message = entry.get("formatted") or entry.get("message") or event.get("message")
    if isinstance(message, dict):
        message = message.get("formatted") or message.get("message")
    error_class = event.get("logger") or "log_message"
    return str(error_class), (str(message) if message else None)
