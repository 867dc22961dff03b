"""The demo's part of the reliability loop: the local endpoint, and the playbooks replayed over the world's errors."""

from __future__ import annotations

import os
import random
from collections.abc import Callable

from aias_dagster.platform.warehouse import ConnectionSettings, connect
from aias_dagster.reliability.endpoint import FaultPlan, start_endpoint
from aias_dagster.reliability.remediate import REMEDIATION_URL_ENV, ReplayClock, Summary, pending_errors, remediate

# Faults of the stand-in in the demo: some calls rate limited, some unavailable, a few answered too late. The
# replay waits out every timeout for real (about 70 of its 6,900 calls), so both are short: a local answer takes
# a few milliseconds, a stalled one is given up after 0.1 s.
DEMO_FAULTS = {"rate_429": 0.08, "rate_503": 0.06, "rate_timeout": 0.01, "stall_seconds": 0.3}
CLIENT_TIMEOUT_SECONDS = 0.1


def run_demo_remediations(settings: ConnectionSettings, seed: int, say: Callable[[str], None] | None = None) -> Summary:
    """Each open auto-fixable error's playbook, as the 5-minute sensor would have run it (ReplayClock).

    Always against the local stand-in, even with AIAS_REMEDIATION_URL set: the world's errors are sample
    data, and a replay of months of them must not reach a real platform's remediation endpoint.
    """
    with start_endpoint(FaultPlan(seed=seed, **DEMO_FAULTS)) as endpoint, connect(settings) as conn:
        if say is not None:
            kept = (
                f"; {REMEDIATION_URL_ENV} is not called for sample data" if os.environ.get(REMEDIATION_URL_ENV) else ""
            )
            say(f"      remediation endpoint: local stand-in on {endpoint.url}{kept}")
        conn.execute("set synchronous_commit = off")  # a demo: a server crash may lose its last rows, a client kill not
        items = pending_errors(conn, replay=True)
        return remediate(conn, items, endpoint.url, clock=ReplayClock(), rng=random.Random(seed),
                         timeout=CLIENT_TIMEOUT_SECONDS)  # fmt: skip
