"""The official SDKs against a real `aias collect` (uvicorn, in its own process) and real Postgres.

segment-analytics-python and sentry-sdk are configured as the README tells an application developer to, and
what they send is read back from the raw tables the loader writes.
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import requests
import sentry_sdk
from segment.analytics import Client
from segment.analytics.request import APIError

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.collect.support import RunningCollector


def rows(settings: ConnectionSettings, statement: str, params: tuple[object, ...] = ()) -> list[tuple]:
    with psycopg.connect(settings.url) as conn:
        return conn.execute(statement, params).fetchall()  # type: ignore[arg-type]


def segment_client(collector: RunningCollector, write_key: str | None = None, **options: object) -> Client:
    """As the README says: the write key and the collector as host; sync_mode sends each call at once."""
    return Client(write_key or collector.write_key, host=collector.url, sync_mode=True, max_retries=0, **options)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_a_tracked_event_is_stored_once_with_its_account_and_feature(
    collector: RunningCollector, collect_db: ConnectionSettings
) -> None:
    client = segment_client(collector, gzip=True)
    user, account, message_id = unique("u"), unique("acct"), unique("m")
    client.group(user_id=user, group_id=account)
    for _ in range(2):  # the SDK's retry of a call it did not see acknowledged: the same messageId again
        client.track(user_id=user, event="Dashboards Created", properties={"plan": "pro"}, message_id=message_id)
    found = rows(
        collect_db,
        "select customer_id, user_id, event_name, feature, properties, _source_file "
        "from raw.product_events where event_id = %s",
        (message_id,),
    )
    assert found == [(account, user, "Dashboards Created", "dashboards", {"plan": "pro"}, "collect:segment")]


def test_a_batch_keeps_an_event_missing_its_fields_in_the_rejects_and_stores_the_rest(
    collector: RunningCollector, collect_db: ConnectionSettings
) -> None:
    account, good, bad = unique("acct"), unique("m"), unique("m")
    # The client's clock runs two hours fast: the event is stamped five minutes before the batch was sent.
    sent_at = datetime.now(UTC) + timedelta(hours=2)
    batch = {
        "batch": [
            {"type": "track", "messageId": good, "userId": "u1", "event": "alerts_created",
             "context": {"groupId": account}, "timestamp": (sent_at - timedelta(minutes=5)).isoformat()},
            {"type": "track", "messageId": bad, "event": "alerts_created", "context": {"groupId": account}},
        ],
        "sentAt": sent_at.isoformat(),
    }  # fmt: skip
    for _ in range(2):  # the client's retry of a batch it did not see acknowledged: neither row nor reject twice
        answer = requests.post(f"{collector.url}/v1/batch", json=batch, auth=(collector.write_key, ""), timeout=10)
        assert answer.status_code == 200, answer.text
    found = rows(
        collect_db, "select feature, _loaded_at - occurred_at from raw.product_events where event_id = %s", (good,)
    )
    assert [f for f, _ in found] == ["alerts"]
    # receivedAt - (sentAt - timestamp): five minutes before it arrived, whatever the client's clock said.
    assert abs(found[0][1] - timedelta(minutes=5)) < timedelta(seconds=30)
    rejects = rows(
        collect_db,
        "select reason, raw_line from raw.load_rejects where source = 'product_events' and raw_line like %s",
        (f"%{bad}%",),
    )
    assert [r[0] for r in rejects] == ["userId: missing required value (nor an anonymousId)"]


def test_an_event_of_a_user_with_no_account_is_rejected_with_the_reason(
    collector: RunningCollector, collect_db: ConnectionSettings
) -> None:
    message_id = unique("m")
    segment_client(collector).track(user_id=unique("nobody"), event="Alerts Created", message_id=message_id)
    (reason,) = rows(collect_db, "select reason from raw.load_rejects where raw_line like %s", (f"%{message_id}%",))
    assert reason[0].startswith("customer_id: no context.groupId and no earlier group call for user")
    assert rows(collect_db, "select 1 from raw.product_events where event_id = %s", (message_id,)) == []


def test_a_wrong_key_is_401_and_stores_nothing(collector: RunningCollector, collect_db: ConnectionSettings) -> None:
    message_id = unique("m")
    with pytest.raises(APIError) as refused:
        segment_client(collector, write_key="not-the-key").track(
            user_id="u", event="x", message_id=message_id, context={"groupId": "a"}
        )
    assert refused.value.status == 401
    no_key = requests.post(f"{collector.url}/v1/track", json={"userId": "u", "event": "x"}, timeout=10)
    assert no_key.status_code == 401
    sentry = requests.post(f"{collector.url}/api/1/envelope/?sentry_key=wrong", data=b"{}\n", timeout=10)
    assert sentry.status_code == 401
    assert rows(collect_db, "select 1 from raw.product_events where event_id = %s", (message_id,)) == []


def test_a_malformed_body_is_400_naming_the_fault(collector: RunningCollector) -> None:
    auth = (collector.write_key, "")
    headers = {"Content-Type": "application/json"}
    not_json = requests.post(f"{collector.url}/v1/batch", data=b"{not json", auth=auth, headers=headers, timeout=10)
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["message"]
    cut = gzip.compress(b'{"batch": []}')[:-6]
    cut_off = requests.post(
        f"{collector.url}/v1/batch", data=cut, auth=auth, headers={**headers, "Content-Encoding": "gzip"}, timeout=10
    )
    assert cut_off.status_code == 400 and "gzip" in cut_off.json()["message"]
    no_batch = requests.post(f"{collector.url}/v1/batch", json={"events": []}, auth=auth, timeout=10)
    assert no_batch.status_code == 400 and "`batch` array" in no_batch.json()["message"]
    envelope = requests.post(
        f"{collector.url}/api/1/envelope/",
        data=b'{}\n{"type": "event", "length": 999}\n{}',
        headers={"X-Sentry-Auth": f"Sentry sentry_key={collector.sentry_key}, sentry_version=7"},
        timeout=10,
    )
    assert envelope.status_code == 400 and "item 1: length 999" in envelope.json()["detail"]


def test_bodies_beyond_the_spec_limits_are_413(collector: RunningCollector) -> None:
    auth = (collector.write_key, "")
    event = {"userId": "u", "event": "x", "properties": {"blob": "x" * 40_000}, "context": {"groupId": "a"}}
    assert requests.post(f"{collector.url}/v1/track", json=event, auth=auth, timeout=10).status_code == 413
    batch = {"batch": [{**event, "type": "track", "properties": {"blob": "y" * 30_000}}] * 20}
    assert requests.post(f"{collector.url}/v1/batch", json=batch, auth=auth, timeout=10).status_code == 413
    # 600 KB of JSON in a few KB of gzip: refused as it decompresses, not after.
    bomb = gzip.compress(json.dumps({"batch": [], "pad": "z" * 600_000}).encode())
    answer = requests.post(
        f"{collector.url}/v1/batch", data=bomb, auth=auth, headers={"Content-Encoding": "gzip"}, timeout=10
    )
    assert answer.status_code == 413


@pytest.fixture
def sentry(collector: RunningCollector) -> Iterator[None]:
    """The Python SDK pointed at the collector's DSN; closed after the test so no other test reports to it."""
    sentry_sdk.init(dsn=collector.dsn, default_integrations=False, server_name="web-1")
    try:
        yield
    finally:
        sentry_sdk.flush(timeout=10)
        sentry_sdk.get_client().close()


def checkout(order: str) -> None:
    raise TimeoutError(f"upstream payments timed out after 30s for order {order}")


def test_a_captured_exception_becomes_an_app_errors_row_with_its_frames(
    sentry: None, collector: RunningCollector, collect_db: ConnectionSettings
) -> None:
    request_id = unique("req")
    sentry_sdk.set_tag("service", "checkout")
    sentry_sdk.set_tag("request_id", request_id)
    sentry_sdk.set_tag("http_status", "504")
    sentry_sdk.set_user({"id": "acct-42"})
    try:
        checkout("o-1")
    except TimeoutError:
        event_id = sentry_sdk.capture_exception()
    message_id = sentry_sdk.capture_message("disk almost full", level="error")
    sentry_sdk.flush(timeout=10)
    found = rows(
        collect_db,
        "select service, customer_id, request_id, error_class, message, http_status, f.frames "
        "from raw.app_errors left join raw.app_error_frames as f using (error_id) where error_id = %s",
        (event_id,),
    )
    assert found == [
        ("checkout", "acct-42", request_id, "TimeoutError", "upstream payments timed out after 30s for order o-1",
         504, found[0][6]),
    ]  # fmt: skip
    assert found[0][6][0].startswith("tests.collect.test_sdks.checkout")
    logged = rows(collect_db, "select error_class, message from raw.app_errors where error_id = %s", (message_id,))
    assert logged == [("log_message", "disk almost full")]


def test_the_older_store_endpoint_with_the_key_in_the_query_and_deflate(
    collector: RunningCollector, collect_db: ConnectionSettings
) -> None:
    import zlib

    event_id = uuid.uuid4().hex
    event = {
        "event_id": event_id,
        "timestamp": datetime.now(UTC).timestamp(),
        "server_name": "worker-2",
        "exception": {"values": [{"type": "KeyError", "value": "'plan'"}]},
        "tags": [["customer_id", "acct-7"]],
    }
    answer = requests.post(
        f"{collector.url}/api/3/store/?sentry_key={collector.sentry_key}&sentry_version=7",
        data=zlib.compress(json.dumps(event).encode()),
        headers={"Content-Encoding": "deflate"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json() == {"id": event_id}
    found = rows(
        collect_db, "select service, customer_id, error_class from raw.app_errors where error_id = %s", (event_id,)
    )
    assert found == [("worker-2", "acct-7", "KeyError")]


def test_other_envelope_items_are_acknowledged_and_counted_not_stored(collector: RunningCollector) -> None:
    before = requests.get(f"{collector.url}/metrics", timeout=10).text
    envelope = b"\n".join(
        [b"{}", b'{"type": "session"}', b'{"init": true, "sid": "s1"}', b'{"type": "client_report"}', b"{}"]
    )
    answer = requests.post(
        f"{collector.url}/api/1/envelope/",
        data=envelope,
        headers={"X-Sentry-Auth": f"Sentry sentry_key={collector.sentry_key}, sentry_version=7"},
        timeout=10,
    )
    assert answer.status_code == 200
    after = requests.get(f"{collector.url}/metrics", timeout=10).text
    ignored = 'aias_collect_events_total{source="sentry",outcome="ignored"}'

    def count(text: str) -> int:
        return next((int(line.split()[-1]) for line in text.splitlines() if line.startswith(ignored)), 0)

    assert count(after) - count(before) == 2
    health = requests.get(f"{collector.url}/healthz", timeout=10).json()
    assert health["status"] == "ok"


def test_no_key_appears_in_the_collectors_output_beyond_the_startup_lines(
    collector: RunningCollector, collect_db: ConnectionSettings
) -> None:
    # Refused and accepted requests, the key in a query string too, so that every path has written what it writes.
    requests.post(f"{collector.url}/api/1/store/?sentry_key={collector.sentry_key}", data=b"not json", timeout=10)
    requests.post(f"{collector.url}/v1/track", json={"writeKey": collector.write_key}, timeout=10)
    lines = collector.output().splitlines()
    secret = [line for line in lines if collector.write_key in line or collector.sentry_key in line]
    assert [line.split(":")[0].strip() for line in secret] == ["Segment SDKs", "Sentry SDKs"], lines
    stored = rows(
        collect_db,
        "select count(*) from raw.load_rejects where raw_line like %s or raw_line like %s",
        (f"%{collector.write_key}%", f"%{collector.sentry_key}%"),
    )
    assert stored == [(0,)]
