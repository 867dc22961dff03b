"""Issue 15, item 4: what an alert says, when it is news, and that no secret leaves in it (pure functions)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from aias_dagster.orchestration.alert_sensors import (
    FinishedRun,
    failure_reason,
    stale_transitions,
    streak_at,
)
from aias_dagster.platform.alert_sink import AlertSink
from aias_dagster.platform.alerts import (
    FRESH_DATA,
    STALE_DATA,
    env_secrets,
    redact,
    run_failure_alert,
    run_recovery_alert,
    ui_url,
)
from aias_dagster.platform.freshness import DAILY_FAIL_AFTER, is_stale, stale_since

BASE = "http://127.0.0.1:3000"
T0 = datetime(2026, 11, 30, 2, 10, tzinfo=UTC)


def runs(*outcomes: str) -> list[FinishedRun]:
    """Newest first: "F" a failed run, "S" a successful one, an hour apart."""
    count = len(outcomes)
    return [FinishedRun(f"r{i}", o == "S", T0 + timedelta(hours=count - i)) for i, o in enumerate(outcomes)]


def test_a_failure_counts_the_failures_before_it_back_to_the_last_success() -> None:
    history = runs("F", "F", "S", "F")  # r0 newest
    (current, before) = streak_at(history, "r0")
    assert current.failures == 2 and current.since == history[1].ended
    assert before.failures == 1
    assert streak_at(history, "r3")[0].failures == 1  # the oldest run, nothing older
    assert streak_at(history, "unknown")[0].failures == 0


def test_a_success_after_failures_is_a_recovery_and_after_a_success_is_not() -> None:
    history = runs("S", "F", "F", "S")
    assert streak_at(history, "r0")[1].failures == 2 and streak_at(history, "r0")[1].since == history[2].ended
    assert streak_at(runs("S", "S"), "r0")[1].failures == 0


def test_the_failure_message_names_the_job_the_steps_since_when_and_the_run() -> None:
    reason = failure_reason([("raw__customers", "customers/2026-11-29.csv: CR-only line ends")], "ignored")
    alert = run_failure_alert("nightly", "0123456789abcdef", reason, T0, 3, BASE)
    assert alert.text() == (
        "FAILED: job `nightly`, run 01234567 (3rd failure in a row)\n"
        "raw__customers: customers/2026-11-29.csv: CR-only line ends\n"
        "Since 2026-11-30 02:10 UTC.\n"
        "http://127.0.0.1:3000/runs/0123456789abcdef"
    )
    assert failure_reason([], " the run's process died ") == "the run's process died"
    recovery = run_recovery_alert("nightly", "fedcba9876543210", T0, 1, BASE)
    assert (
        recovery.title == "RECOVERED: job `nightly`, run fedcba98 succeeded"
        and recovery.detail == "After 1 failed run."
    )


def test_the_ui_link_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIAS_UI_URL", raising=False)
    assert ui_url() == "http://127.0.0.1:3000"
    monkeypatch.setenv("AIAS_UI_URL", "https://dagster.example.com/")
    assert ui_url() == "https://dagster.example.com"


def test_passwords_and_tokens_are_redacted_wherever_they_appear() -> None:
    env = {
        "AIAS_DATABASE_URL": "postgresql://aias:pa%40ss-w0rd@db:5432/aias",
        "AIAS_ALERT_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/tok3n",
    }
    secrets = env_secrets(env)
    assert "pa@ss-w0rd" in secrets and "services/T0/B0/tok3n" in secrets
    text = "connect postgresql://aias:pa%40ss-w0rd@db:5432/aias failed; password=pa@ss-w0rd; pa@ss-w0rd again"
    assert redact(text, secrets) == "connect postgresql://aias:***@db:5432/aias failed; password=***; *** again"
    assert redact("posting to https://hooks.slack.com/services/T0/B0/tok3n", secrets) == (
        "posting to https://hooks.slack.com/***"
    )
    assert (
        redact("no secret here: postgresql://postgres@127.0.0.1/x")
        == "no secret here: postgresql://postgres@127.0.0.1/x"
    )


def test_staleness_counts_from_the_end_of_the_newest_delivery_day_as_the_pages_do() -> None:
    day = date(2026, 11, 27)
    assert stale_since(day) == datetime(2026, 11, 28, tzinfo=UTC) + DAILY_FAIL_AFTER
    assert not is_stale(day, datetime(2026, 11, 29, 23, 59, tzinfo=UTC))
    assert is_stale(day, datetime(2026, 11, 30, 0, 0, tzinfo=UTC))  # exactly 48 h: stale


def test_a_stale_source_alerts_on_the_tick_it_turns_stale_and_when_it_is_fresh_again() -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    newest = {"customers": date(2026, 11, 30), "support_tickets": date(2026, 11, 25), "fx_rates": None}
    alerts, stale = stale_transitions({}, newest, now, BASE)
    assert [(a.kind, a.key) for a in alerts] == [(STALE_DATA, "asset:raw/support_tickets")]
    assert stale == {"support_tickets": "2026-11-28T00:00:00+00:00"}
    assert alerts[0].title == "STALE: asset `raw/support_tickets` has had no new delivery for 5 days"
    assert stale_transitions(stale, newest, now + timedelta(hours=1), BASE) == ([], stale)
    fresh, after = stale_transitions(stale, {**newest, "support_tickets": date(2026, 11, 30)}, now, BASE)
    assert [(a.kind, a.key) for a in fresh] == [(FRESH_DATA, "asset:raw/support_tickets")] and after == {}
    assert fresh[0].since == datetime(2026, 11, 28, tzinfo=UTC)  # stale since then, fresh now


def test_without_a_webhook_alerts_are_json_lines_in_the_alert_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIAS_ALERT_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("AIAS_ALERT_FILE", str(tmp_path / "alerts.jsonl"))
    monkeypatch.setenv("AIAS_DATABASE_URL", "postgresql://aias:s3cret@db/aias")
    sink = AlertSink()
    assert sink.destination() == f"file {tmp_path / 'alerts.jsonl'}"
    sink.send(run_failure_alert("ingest", "r1", "connect postgresql://aias:s3cret@db/aias: refused", T0, 1, BASE))
    sink.send(run_recovery_alert("ingest", "r2", T0, 1, BASE))
    lines = (tmp_path / "alerts.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["kind"] for r in records] == ["run_failure", "run_recovery"]
    assert records[0]["url"] == "http://127.0.0.1:3000/runs/r1" and records[0]["since"] == T0.isoformat()
    assert "s3cret" not in lines[0] and "postgresql://aias:***@db/aias" in records[0]["text"]
