"""The collector's pure parts, called directly: the spec's rules without a server in the way."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import brotli
import psycopg
import pytest

from aias_dagster.collect import segment, sentry
from aias_dagster.collect.bodies import BodyError, BodyTooLarge, decode_body
from aias_dagster.collect.keys import WRITE_KEY_ENV, load_keys, matches
from aias_dagster.collect.rows import ProductEvent, Reject
from aias_dagster.collect.server import is_loopback, startup_lines
from aias_dagster.collect.store import ensure_collect_schema, store_segment
from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.loader import load_file
from tests.ingest.files import row, write_landing

CATALOG = frozenset({"dashboards", "alerts", "api_keys", "ai_assistant"})
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "properties", "feature"),
    [
        ("Dashboards Created", None, "dashboards"),
        ("dashboard_shared", None, "dashboards"),  # the singular names the feature too
        ("API Keys Rotated", None, "api_keys"),
        ("AI Assistant Asked", None, "ai_assistant"),
        ("Theme Switched", None, "theme_switched"),  # kept, so the page shows it as uncatalogued
        ("Anything", {"feature": " Alerts "}, "alerts"),  # a feature the app names wins
    ],
)
def test_the_feature_comes_from_the_event_name_through_the_catalog(name, properties, feature) -> None:
    assert segment.feature_for(name, properties, CATALOG) == feature


def test_the_client_clock_skew_is_corrected_as_the_spec_says() -> None:
    stamp, sent = NOW + timedelta(hours=3), NOW + timedelta(hours=3, seconds=40)
    assert segment.corrected_time(stamp, sent, NOW) == NOW - timedelta(seconds=40)
    assert segment.corrected_time(stamp, None, NOW) == stamp


def test_a_group_call_earlier_in_the_batch_gives_the_later_events_their_account() -> None:
    messages = [
        {"type": "track", "messageId": "m0", "userId": "u1", "event": "Alerts Created"},
        {"type": "group", "messageId": "g1", "userId": "u1", "groupId": "acct-1"},
        {"type": "track", "messageId": "m1", "userId": "u1", "event": "Alerts Created"},
        {"type": "page", "messageId": "m2", "anonymousId": "anon-9", "name": "Pricing"},
        {"type": "alias", "messageId": "a1", "userId": "u1", "previousId": "anon-9"},
    ]
    parsed = segment.parse_messages(messages, None, NOW, CATALOG, {"anon-9": "acct-2"})
    assert [(e.event_id, e.customer_id, e.event_name) for e in parsed.events] == [
        ("m1", "acct-1", "Alerts Created"),
        ("m2", "acct-2", "Viewed Pricing Page"),
    ]
    assert [r.reason for r in parsed.rejects] == [
        "customer_id: no context.groupId and no earlier group call for user 'u1'"
    ]
    assert parsed.ignored == {"alias": 1}  # acknowledged and counted, no row


def test_a_reject_names_every_field_that_failed() -> None:
    result = segment.parse_message(
        {"type": "track", "timestamp": "2026-03-05 10:00", "properties": [1]}, None, NOW, CATALOG, {}
    )
    assert isinstance(result, Reject)
    assert result.reason == (
        "messageId: missing required value; userId: missing required value (nor an anonymousId); "
        "timestamp: not an ISO 8601 timestamp with an offset (got '2026-03-05 10:00'); "
        "properties: must be a JSON object (got '[1]'); event: missing required value"
    )


def test_a_single_call_keeps_its_write_key_out_of_the_stored_message() -> None:
    messages, _ = segment.messages_of(json.dumps({"writeKey": "secret", "userId": "u"}).encode(), "track")
    assert messages == [{"userId": "u", "type": "track"}]


def test_bodies_decode_in_every_encoding_the_sdks_use_and_stop_at_the_limit() -> None:
    body = b'{"batch": []}'
    assert decode_body(gzip.compress(body), "gzip", 100) == body
    assert decode_body(zlib.compress(body), "deflate", 100) == body
    assert decode_body(zlib.compress(body)[2:-4], "deflate", 100) == body  # raw deflate, as some clients send
    assert decode_body(brotli.compress(body), "br", 100) == body
    with pytest.raises(BodyTooLarge):
        decode_body(gzip.compress(b"x" * 10_000), "gzip", 1000)
    with pytest.raises(BodyError, match="not supported"):
        decode_body(body, "zstd", 100)


def test_an_envelope_item_with_a_length_may_hold_line_breaks() -> None:
    event = json.dumps({"event_id": "e1", "message": "two\nlines"}, indent=1).encode()
    envelope = b'{"dsn": "x"}\n' + json.dumps({"type": "event", "length": len(event)}).encode() + b"\n" + event
    envelope += b'\n{"type": "transaction"}\n{}\n'
    items = sentry.envelope_items(envelope)
    assert [(i["type"], json.loads(p).get("event_id")) for i, p in items] == [("event", "e1"), ("transaction", None)]


def test_an_error_without_an_exception_is_its_log_entry_and_frames_are_innermost_first() -> None:
    logged = sentry.error_row(
        {"event_id": "e2", "server_name": "api-1", "logger": "payments", "logentry": {"formatted": "card declined"}},
        NOW,
    )
    assert (logged.error_class, logged.message, logged.occurred_at) == ("payments", "card declined", NOW)  # type: ignore[union-attr]
    frames = [{"module": "lib", "function": "send", "in_app": False}, {"module": "app.pay", "function": "charge",
              "filename": "app/pay.py", "lineno": 12, "in_app": True}, {"module": "app.api", "function": "post",
              "in_app": True}]  # fmt: skip
    exception = {
        "values": [{"type": "KeyError"}, {"type": "TimeoutError", "value": "x", "stacktrace": {"frames": frames}}]
    }
    raised = sentry.error_row({"event_id": "e3", "tags": {"service": "pay"}, "exception": exception}, NOW)
    assert raised.error_class == "TimeoutError"  # type: ignore[union-attr]
    assert raised.frames == ("app.api.post", "app.pay.charge (app/pay.py:12)")  # type: ignore[union-attr]


def test_the_dsn_key_is_read_from_the_header_or_the_query() -> None:
    assert sentry.public_key("Sentry sentry_key=abc, sentry_version=7", "") == "abc"
    assert sentry.public_key(None, "sentry_key=def&sentry_version=7") == "def"
    assert sentry.public_key(None, "") is None


def test_keys_are_generated_once_and_kept_and_the_environment_wins(tmp_path: Path) -> None:
    first = load_keys(tmp_path, environ={})
    assert load_keys(tmp_path, environ={}) == first
    assert (tmp_path / "collect" / "keys.json").stat().st_mode & 0o777 == 0o600
    assert load_keys(tmp_path, environ={WRITE_KEY_ENV: "mine"}).write_key == "mine"
    assert matches(first.write_key, first.write_key) and not matches("nope", first.write_key)
    assert not matches(None, first.write_key)
    assert first.write_key not in repr(first)


def test_binding_beyond_loopback_warns() -> None:
    keys = load_keys(Path("/nonexistent-never-written"), environ={}) if False else None
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")
    del keys


def test_the_startup_lines_say_where_to_point_the_sdks(tmp_path: Path) -> None:
    keys = load_keys(tmp_path, environ={})
    lines = startup_lines("0.0.0.0", 8070, keys, "kept")
    assert lines[0].startswith("warning: listening on 0.0.0.0")
    assert f"dsn http://{keys.sentry_key}@127.0.0.1:8070/1" in lines[3]
    assert not startup_lines("127.0.0.1", 8070, keys, "kept")[0].startswith("warning")


def test_a_redelivered_landing_file_leaves_the_collected_rows_of_its_day(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # The loader's redelivery drops the day's rows; those `aias collect` stored that day are not the file's.
    day = date(2026, 3, 5)
    ensure_collect_schema(conn)
    call = {"type": "track", "messageId": "sdk-1", "userId": "u", "event": "Alerts", "context": {"groupId": "a"}}
    collected = segment.parse_messages([call], None, datetime(2026, 3, 5, 9, tzinfo=UTC), CATALOG, {})
    with conn.transaction():
        store_segment(conn, collected, datetime(2026, 3, 5, 9, tzinfo=UTC))
    source = get_source("product_events")
    load_file(conn, source, write_landing(tmp_path, "product_events", day, [row("product_events", 1)]))
    load_file(conn, source, write_landing(tmp_path, "product_events", day, [row("product_events", 2)]))
    kept = conn.execute("select event_id, _source_file from raw.product_events order by event_id").fetchall()
    assert [k for k, _ in kept] == sorted(["sdk-1", row("product_events", 2)["event_id"]])


def test_an_event_holding_a_nul_character_is_rejected_not_left_to_fail_its_whole_batch() -> None:
    # Postgres stores no NUL: the insert of the batch failed, a 500, and the SDK sent the batch again for ever.
    call = {"type": "track", "messageId": "m", "userId": "u", "event": "x", "properties": {"note": "a\x00b"}}
    assert segment.parse_message(call, None, NOW, CATALOG, {"u": "a"}).reason == (  # type: ignore[union-attr]
        "message: contains a NUL character (\\u0000), which Postgres cannot store"
    )
    event = {"event_id": "e", "server_name": "s", "message": "bad\x00"}
    assert isinstance(sentry.error_row(event, NOW), Reject)
    assert isinstance(segment.parse_message({**call, "properties": {"note": "a\\u0000b"}}, None, NOW, CATALOG,
                                            {"u": "a"}), ProductEvent)  # the six characters, not a NUL  # fmt: skip


def test_an_event_over_32_kb_inside_a_batch_is_rejected_and_its_neighbours_kept() -> None:
    # The size was measured on the reject's text, cut at 8 KB: no event of a batch was ever too large.
    big = {"type": "track", "messageId": "big", "userId": "u", "event": "x", "properties": {"blob": "x" * 40_000}}
    small = {"type": "track", "messageId": "small", "userId": "u", "event": "x"}
    parsed = segment.parse_messages([big, small], None, NOW, CATALOG, {"u": "a"})
    assert [e.event_id for e in parsed.events] == ["small"]
    assert [r.reason for r in parsed.rejects] == ["message: larger than 32 KB"]
    assert len(parsed.rejects[0].raw) < 8200
