"""The two secrets SDKs present: the Segment write key and the Sentry DSN's public key.

Taken from the environment when set, else generated once and kept in `<AIAS_HOME>/collect/keys.json`
(mode 0600), so a restarted collector accepts the SDKs configured against its first start. Compared in
constant time; the only place they are ever shown is the startup line the person configuring an SDK needs.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

WRITE_KEY_ENV = "AIAS_COLLECT_WRITE_KEY"
SENTRY_KEY_ENV = "AIAS_COLLECT_SENTRY_KEY"
KEYS_FILE = Path("collect") / "keys.json"


@dataclass(frozen=True)
class CollectKeys:
    write_key: str  # Segment: the basic-auth user name
    sentry_key: str  # Sentry: the DSN's public key (sentry_key)

    def __repr__(self) -> str:  # a key in a traceback or a log line is a leaked key
        return "CollectKeys(write_key=<hidden>, sentry_key=<hidden>)"


def matches(given: str | None, expected: str) -> bool:
    """Constant time, so the answer's timing tells nothing of how much of a guessed key was right."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def load_keys(home: Path, environ: dict[str, str] | None = None) -> CollectKeys:
    """The environment's keys, else those kept under home (generated and written on first use)."""
    env = os.environ if environ is None else environ
    path = home / KEYS_FILE
    kept: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    generated = {name: kept.get(name) or secrets.token_hex(16) for name in ("write_key", "sentry_key")}
    if generated != kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(generated, handle)
    return CollectKeys(
        write_key=env.get(WRITE_KEY_ENV, "").strip() or generated["write_key"],
        sentry_key=env.get(SENTRY_KEY_ENV, "").strip() or generated["sentry_key"],
    )
