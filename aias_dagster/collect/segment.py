"""The Segment HTTP tracking spec, read into product_events rows (pure functions, no database).

`track`, `page` and `screen` calls are product events; `group` ties a user to an account (`customer_id`)
for the user's later events; `identify` is acknowledged and, when it names an account in `context.groupId`,
does the same; `alias` is acknowledged and counted. The account of an event is its `context.groupId`, else the
user's last `group` call.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aias_dagster.collect.bodies import json_object
from aias_dagster.collect.rows import (
    Parsed,
    ProductEvent,
    Reject,
    UserGroup,
    as_raw,
    screened,
    shown,
)

CALL_LIMIT = 32 * 1024  # the spec's limit of one call (and of one event inside a batch)
BATCH_LIMIT = 500 * 1024  # the spec's limit of one batch request
CALLS = ("track", "identify", "group", "page", "screen", "alias")
EVENT_CALLS = ("track", "page", "screen")
# How far a client's clock may be wrong before it is not believed: the spec's correction assumes the client's
# clock runs at the right rate; a timestamp days in the future after correction is a bug, not skew.
MAX_FUTURE = timedelta(hours=1)


class SegmentBodyError(ValueError):
    """The body is not a Segment call or batch; the message says what is wrong (a 400)."""


def read_catalog(path: Path) -> frozenset[str]:
    """The feature names of the catalog seed (dbt_project/seeds/product/feature_catalog.csv), every version."""
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["feature"].strip().lower() for row in csv.DictReader(handle))


def messages_of(body: bytes, call: str) -> tuple[list[Any], Any]:
    """The messages of a request to /v1/<call>, and the batch's `sentAt`; a SegmentBodyError names the fault."""
    document = json_object(body, SegmentBodyError, "body")
    if call != "batch":  # the call is the message; its key is the request's, never part of a stored event
        message = {k: v for k, v in document.items() if k not in ("writeKey", "sentAt")}
        return [{**message, "type": call}], document.get("sentAt")
    batch = document.get("batch")
    if not isinstance(batch, list):
        raise SegmentBodyError("body of /v1/batch must have a `batch` array")
    shared = document.get("context") if isinstance(document.get("context"), dict) else {}
    messages = []
    for message in batch:
        if isinstance(message, dict) and shared:  # a batch's own context is every message's default
            message = {**message, "context": {**shared, **(message.get("context") or {})}}
        messages.append(message)
    return messages, document.get("sentAt")


def users_of(messages: Iterable[Any]) -> set[str]:
    """The users whose last `group` call the store looks up before parsing."""
    return {user for m in messages if isinstance(m, dict) and (user := user_of(m))}


def user_of(message: Mapping[str, Any]) -> str | None:
    for name in ("userId", "anonymousId"):
        value = message.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp with an offset; None for anything else (a time without offset is not guessed)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def corrected_time(timestamp: datetime, sent_at: datetime | None, received_at: datetime) -> datetime:
    """The spec's clock-skew correction: receivedAt - (sentAt - timestamp), when the client sent sentAt."""
    if sent_at is None:
        return timestamp
    return received_at - (sent_at - timestamp)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def feature_for(event_name: str, properties: Mapping[str, Any] | None, catalog: frozenset[str]) -> str | None:
    """The feature of an event: `properties.feature` when sent, else the catalog feature its name starts with
    (`Dashboards Created`, `dashboard_created` -> dashboards), else the name itself, kept so that the product
    page shows it as uncatalogued instead of dropping it."""
    named = (properties or {}).get("feature")
    if isinstance(named, str) and named.strip():
        return named.strip().lower()
    words = slug(event_name)
    if not words:
        return None
    for feature in sorted(catalog, key=len, reverse=True):
        for stem in (feature, feature.removesuffix("s")):
            if stem and (words == stem or words.startswith(stem + "_")):
                return feature
    return words


def parse_messages(
    messages: list[Any],
    batch_sent_at: Any,
    received_at: datetime,
    catalog: frozenset[str],
    known_groups: Mapping[str, str],
) -> Parsed:
    """Rows, group calls and rejects of one request, in the order sent (a `group` call counts for the
    events after it in the same batch)."""
    parsed = Parsed()
    groups = dict(known_groups)
    for message in messages:
        if not isinstance(message, dict):
            parsed.rejects.append(Reject(as_raw(message), f"message: must be a JSON object (got {shown(message)!r})"))
            continue
        result = parse_message(message, batch_sent_at, received_at, catalog, groups)
        if isinstance(result, Reject):
            parsed.rejects.append(result)
        elif isinstance(result, UserGroup):
            groups[result.user_id] = result.customer_id
            parsed.groups.append(result)
        elif isinstance(result, ProductEvent):
            parsed.events.append(result)
        else:
            parsed.ignore(result)
    return parsed


def parse_message(
    message: dict[str, Any],
    batch_sent_at: Any,
    received_at: datetime,
    catalog: frozenset[str],
    groups: Mapping[str, str],
) -> ProductEvent | UserGroup | Reject | str:
    """One message: a product event, a group call, a reject naming every failed field, or the kind of a
    message acknowledged without a row (an identify without an account)."""
    raw, rejected = screened(message, "message", CALL_LIMIT)
    if rejected is not None:
        return rejected
    call = message.get("type")
    if call == "alias":  # merges two user ids in Segment's destinations; nothing here keys on an anonymous id
        return "alias"
    if call not in CALLS:
        return Reject(raw, f"type: must be one of {', '.join(CALLS)} (got {shown(call)!r})")
    reasons = []
    message_id = message.get("messageId")
    if not isinstance(message_id, str) or not message_id.strip():
        reasons.append("messageId: missing required value")
    user = user_of(message)
    if user is None:
        reasons.append("userId: missing required value (nor an anonymousId)")
    context = message.get("context") if isinstance(message.get("context"), dict) else {}
    sent_text = message.get("sentAt", batch_sent_at)
    sent_at = parse_time(sent_text)
    if sent_text is not None and sent_at is None:
        reasons.append(f"sentAt: not an ISO 8601 timestamp with an offset (got {shown(sent_text)!r})")
    stamp_text = message.get("timestamp")
    stamp = parse_time(stamp_text) if stamp_text is not None else received_at
    if stamp is None:
        reasons.append(f"timestamp: not an ISO 8601 timestamp with an offset (got {shown(stamp_text)!r})")
    if call == "group":
        group_id = message.get("groupId")
        if not isinstance(group_id, str | int) or not str(group_id).strip():
            reasons.append("groupId: missing required value")
        if reasons:
            return Reject(raw, "; ".join(reasons))
        return UserGroup(str(user), str(group_id).strip(), received_at)
    account = context.get("groupId")
    account = str(account).strip() if isinstance(account, str | int) and str(account).strip() else None
    if call == "identify":
        if reasons:
            return Reject(raw, "; ".join(reasons))
        return UserGroup(str(user), account, received_at) if account else "identify"
    properties = message.get("properties")
    if properties is not None and not isinstance(properties, dict):
        reasons.append(f"properties: must be a JSON object (got {shown(properties)!r})")
        properties = None
    name = _event_name(call, message, properties)
    if call == "track" and name is None:
        reasons.append("event: missing required value")
    account = account or (groups.get(user) if user else None)
    if account is None and user is not None:
        reasons.append(f"customer_id: no context.groupId and no earlier group call for user {user!r}")
    if reasons:
        return Reject(raw, "; ".join(reasons))
    assert stamp is not None and name is not None and user is not None and account is not None
    occurred = corrected_time(stamp, sent_at, received_at)
    if occurred > received_at + MAX_FUTURE:
        return Reject(raw, f"timestamp: {occurred.isoformat()} is in the future even after the clock-skew correction")
    return ProductEvent(
        event_id=str(message_id).strip(),
        customer_id=account,
        user_id=user,
        event_name=name,
        feature=feature_for(name, properties, catalog),
        occurred_at=occurred,
        properties=properties,
    )


def _event_name(call: str, message: Mapping[str, Any], properties: Mapping[str, Any] | None) -> str | None:
    """track: its `event`; page and screen: `Viewed <name> <Page|Screen>`, or `Viewed a page` without a name."""
    if call == "track":
        event = message.get("event")
        return event.strip() if isinstance(event, str) and event.strip() else None
    name = message.get("name") or (properties or {}).get("name")
    noun = "Page" if call == "page" else "Screen"
    return f"Viewed {name} {noun}" if isinstance(name, str) and name.strip() else f"Viewed a {noun.lower()}"
