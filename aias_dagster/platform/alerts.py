"""Messages for the person on call: one when something breaks, one when it clears, never a secret.

The functions here only build text; the sensors (orchestration/alert_sensors.py) decide when to send,
and the sink (platform/alert_sink.py) where. Every message says what broke (a job or an asset), what
failed, since when, and links to the place in the Dagster UI where the details are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit

UI_URL_ENV = "AIAS_UI_URL"
DEFAULT_UI_URL = "http://127.0.0.1:3000"  # `make ui`
# Environment variables whose values may hold a password or a token; their secrets never leave in a message.
SECRET_ENVS = ("AIAS_DATABASE_URL", "AIAS_DAGSTER_STORAGE_URL", "AIAS_ALERT_WEBHOOK_URL", "PGPASSWORD")
REDACTED = "***"
# user:password@ in any URL (postgresql://, https://): the password goes, the rest still says which server.
URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/\s:@]*):(?P<password>[^@\s/]+)@", re.IGNORECASE)
# key=value passwords of a libpq connection string (password=..., as psycopg errors may quote them).
KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'[^']*'|[^\s;,)]+)", re.IGNORECASE)
MAX_DETAIL_CHARS = 600  # a chat message, not the event log: the link leads to the rest

RUN_FAILURE = "run_failure"
RUN_RECOVERY = "run_recovery"
STALE_DATA = "stale_data"
FRESH_DATA = "fresh_data"


@dataclass(frozen=True)
class Alert:
    """One message. `key` names what it is about (`job:nightly`, `asset:raw/touchpoints`)."""

    kind: str
    key: str
    title: str
    detail: str
    since: datetime
    url: str

    def text(self) -> str:
        """The message as a person reads it (Slack's `text`): title, what failed, since when, the link."""
        return f"{self.title}\n{self.detail}\nSince {utc(self.since)}.\n{self.url}"

    def record(self) -> dict[str, Any]:
        """The message as a JSON-lines record: the text and its parts, so a script can filter on them."""
        return {
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "detail": self.detail,
            "since": self.since.isoformat(),
            "url": self.url,
            "text": self.text(),
        }


def utc(moment: datetime) -> str:
    """A moment as the message prints it; a naive one is taken as UTC, as Dagster and the warehouse keep time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def ui_url() -> str:
    return os.environ.get(UI_URL_ENV, "").rstrip("/") or DEFAULT_UI_URL


def run_url(base: str, run_id: str) -> str:
    return f"{base}/runs/{run_id}"


def asset_url(base: str, asset_path: Iterable[str]) -> str:
    return f"{base}/assets/{'/'.join(quote(part) for part in asset_path)}"


def env_secrets(environ: dict[str, str] | None = None) -> list[str]:
    """Passwords and tokens the environment holds: a URL's password, the webhook URL's path (Slack's token)."""
    env = os.environ if environ is None else environ
    secrets = []
    for name in SECRET_ENVS:
        value = env.get(name, "")
        if not value:
            continue
        if "://" not in value:
            secrets.append(value)
            continue
        parts = urlsplit(value)
        if parts.password:  # as written, and as a driver prints it (percent-decoded)
            secrets += [parts.password, unquote(parts.password)]
        if name == "AIAS_ALERT_WEBHOOK_URL" and parts.path.strip("/"):
            secrets.append(parts.path.strip("/"))
    return [s for s in secrets if len(s) >= 3]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text without passwords: any URL's, any `password=`, and every known secret value wherever it appears."""
    text = URL_PASSWORD.sub(lambda m: f"{m['head']}:{REDACTED}@", text)
    text = KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}", text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def shorten(text: str, limit: int = MAX_DETAIL_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def job_label(job: str) -> str:
    """A job as people know it: runs started with "Materialize" in the UI belong to Dagster's implicit job."""
    return "assets materialized from the UI" if job.startswith("__ASSET_JOB") else f"job `{job}`"


def job_alert(kind: str, job: str, run_id: str, title: str, detail: str, since: datetime, base_url: str) -> Alert:
    """An alert about a job's run: keyed by the job (a streak is one conversation), linking to the run."""
    return Alert(kind=kind, key=f"job:{job}", title=title, detail=detail, since=since, url=run_url(base_url, run_id))


def asset_alert(kind: str, asset: str, title: str, detail: str, since: datetime, base_url: str) -> Alert:
    """An alert about an asset ("raw/customers"): keyed by the asset, linking to its page."""
    return Alert(
        kind=kind, key=f"asset:{asset}", title=title, detail=detail, since=since,
        url=asset_url(base_url, asset.split("/")),
    )  # fmt: skip


def run_failure_alert(
    job: str, run_id: str, reason: str, failing_since: datetime, failures_in_a_row: int, base_url: str
) -> Alert:
    """One failed run of a job. The count says whether this is news or the same problem again."""
    streak = "" if failures_in_a_row <= 1 else f" ({ordinal(failures_in_a_row)} failure in a row)"
    title = f"FAILED: {job_label(job)}, run {run_id[:8]}{streak}"
    detail = shorten(reason) or "The run failed; its event log says why."
    return job_alert(RUN_FAILURE, job, run_id, title, detail, failing_since, base_url)


def run_recovery_alert(job: str, run_id: str, failing_since: datetime, failures: int, base_url: str) -> Alert:
    """The first successful run after failed ones."""
    runs = "run" if failures == 1 else "runs"
    title = f"RECOVERED: {job_label(job)}, run {run_id[:8]} succeeded"
    return job_alert(RUN_RECOVERY, job, run_id, title, f"After {failures} failed {runs}.", failing_since, base_url)


def stale_data_alert(asset: str, newest_day: object, age: timedelta, stale_since: datetime, base_url: str) -> Alert:
    """A source whose newest delivery day is older than its freshness policy allows."""
    title = f"STALE: asset `{asset}` has had no new delivery for {hours(age)}"
    detail = f"Its newest delivery day is {newest_day}; no file has arrived, or none was loaded, since."
    return asset_alert(STALE_DATA, asset, title, detail, stale_since, base_url)


def fresh_data_alert(asset: str, newest_day: object, stale_since: datetime, base_url: str) -> Alert:
    """A stale source that received data again."""
    title, detail = f"FRESH again: asset `{asset}`", f"Its newest delivery day is now {newest_day}."
    return asset_alert(FRESH_DATA, asset, title, detail, stale_since, base_url)


def hours(age: timedelta) -> str:
    total = int(age.total_seconds() // 3600)
    return f"{total} hours" if total < 72 else f"{total // 24} days"
