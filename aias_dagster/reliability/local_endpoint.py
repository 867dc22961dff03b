"""The remediation endpoint a local Dagster calls: `AIAS_REMEDIATION_URL` when set, else the stand-in.

`aias ui` runs the remediation sensor (on by default, every 5 minutes); without an endpoint it would
only skip. So for as long as the UI runs, the command serves the local stand-in on 127.0.0.1 and puts
its address into `AIAS_REMEDIATION_URL` for the processes it starts. A real endpoint named in the
environment wins: then nothing is started and its address is printed without credentials.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from aias_dagster.reliability.endpoint import FaultPlan, start_endpoint
from aias_dagster.reliability.remediate import REMEDIATION_URL_ENV

# As a real API behaves: some calls rate limited, some unavailable, a few answered after the remediation
# asset's client has given up (its default timeout is 5 s), so the UI shows retries and replays too.
UI_FAULTS = {"rate_429": 0.08, "rate_503": 0.06, "rate_timeout": 0.01, "stall_seconds": 6.0}


def shown_url(url: str) -> str:
    """An endpoint's address fit for output: no user, password, query or fragment (they may hold a token)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@contextmanager
def remediation_endpoint(say: Callable[[str], None], seed: int = 0) -> Iterator[str]:
    """The endpoint's URL, exported in AIAS_REMEDIATION_URL for the block (and the processes it starts)."""
    configured = os.environ.get(REMEDIATION_URL_ENV, "").strip()
    if configured:
        say(f"remediation endpoint: {shown_url(configured)} (from {REMEDIATION_URL_ENV}; no local stand-in)")
        yield configured
        return
    endpoint = start_endpoint(FaultPlan(seed=seed, **UI_FAULTS))
    os.environ[REMEDIATION_URL_ENV] = endpoint.url
    say(
        f"remediation endpoint: local stand-in on {endpoint.url} (fails some calls with 429, 503 and "
        f"timeouts; set {REMEDIATION_URL_ENV} to use a real one)"
    )
    try:
        yield endpoint.url
    finally:
        endpoint.close()
        os.environ.pop(REMEDIATION_URL_ENV, None)
        say(f"remediation endpoint: local stand-in on {endpoint.url} stopped")
