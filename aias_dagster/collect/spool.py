"""Sentry requests that arrived while Postgres was unreachable, kept on disk until it is back.

Segment's SDKs send a batch again after a 503; Sentry's do not (sentry_sdk's transport drops an envelope
answered 503 or 429 and records it as lost). So a Sentry request that cannot be committed is written here,
fsynced, and only then acknowledged; the collector stores the files once Postgres answers again, oldest
first, and removes each after its commit. A crash between the commit and the removal stores it again, which
the key (`event_id`) makes harmless. The envelope's header, which names the DSN and so its key, is not kept.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Spooled:
    path: Path
    endpoint: str  # envelope or store
    received_at: datetime
    body: bytes


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, endpoint: str, received_at: datetime, body: bytes) -> None:
        """The request on disk, durably (written, fsynced, renamed into place, the folder fsynced)."""
        if endpoint == "envelope":
            body = b"{}\n" + body.partition(b"\n")[2]
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{received_at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}.json"
        record = {"endpoint": endpoint, "received_at": received_at.isoformat(), "body": base64.b64encode(body).decode()}
        partial = self.folder / f".{name}.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.folder / name)
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)

    def pending(self) -> list[Spooled]:
        """The kept requests, oldest first."""
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.exists() else []:
            record = json.loads(path.read_text())
            received_at = datetime.fromisoformat(record["received_at"])
            found.append(Spooled(path, record["endpoint"], received_at, base64.b64decode(record["body"])))
        return found

    def count(self) -> int:
        return len(list(self.folder.glob("*.json"))) if self.folder.exists() else 0
