"""Where alerts go: a webhook (Slack's incoming-webhook JSON, `{"text": ...}`), else a JSON-lines file.

AIAS_ALERT_WEBHOOK_URL set: each alert is one POST of `{"text": <message>}`, which Slack, Mattermost,
Rocket.Chat and Microsoft Teams' incoming webhooks accept. Unset: each alert is one line appended to
AIAS_ALERT_FILE (default `.aias/alerts.jsonl`), which `tail -f` follows. Every text is redacted before
it leaves (platform/alerts.py: `redact`), and an error sending never quotes the webhook URL, whose path
is Slack's token.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import dagster as dg

from aias_dagster.platform.alerts import Alert, env_secrets, redact
from aias_dagster.platform.warehouse import aias_home

WEBHOOK_ENV = "AIAS_ALERT_WEBHOOK_URL"
ALERT_FILE_ENV = "AIAS_ALERT_FILE"
WEBHOOK_TIMEOUT_SECONDS = 10


class AlertDeliveryError(RuntimeError):
    """The webhook did not take the message; the sensor's tick fails and the next tick sends it again."""


def default_alert_file() -> Path:
    configured = os.environ.get(ALERT_FILE_ENV)
    return Path(configured).resolve() if configured else aias_home() / "alerts.jsonl"


def redacted(alert: Alert, secrets: list[str]) -> Alert:
    return Alert(
        kind=alert.kind,
        key=alert.key,
        title=redact(alert.title, secrets),
        detail=redact(alert.detail, secrets),
        since=alert.since,
        url=alert.url,
    )


def post_webhook(url: str, text: str) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise AlertDeliveryError(f"the alert webhook ({WEBHOOK_ENV}) answered HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AlertDeliveryError(f"the alert webhook ({WEBHOOK_ENV}) could not be reached: {reason}") from None


def append_line(path: Path, record: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")


class AlertSink(dg.ConfigurableResource):
    """Empty fields resolve from the environment when an alert is sent: AIAS_ALERT_WEBHOOK_URL, AIAS_ALERT_FILE."""

    webhook_url: str = ""
    path: str = ""

    def destination(self) -> str:
        """Where alerts go, safe to print: the webhook's host only, or the file."""
        url = self.webhook_url or os.environ.get(WEBHOOK_ENV, "")
        if url:
            return f"webhook {urllib.request.urlparse(url).hostname}"
        return f"file {self.file()}"

    def file(self) -> Path:
        return Path(self.path).resolve() if self.path else default_alert_file()

    def send(self, alert: Alert) -> Alert:
        """Send one alert, redacted; the alert as sent."""
        url = self.webhook_url or os.environ.get(WEBHOOK_ENV, "")
        clean = redacted(alert, [*env_secrets(), *([url] if url else [])])
        if url:
            post_webhook(url, clean.text())
        else:
            append_line(self.file(), clean.record())
        return clean
