"""A billing process killed (-9) in the middle of a month's close, then run again: every invoice exactly once.

The test holds a lock on `billing.closed_months`, which a close writes last: the child process closes
January (already closed: nothing), writes February's invoices, lines and documents, and then waits on
the lock inside its transaction. The test sees it waiting, kills it with SIGKILL, and releases the lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.billing.support import deliver
from tests.billing.test_close import REQUESTS, SUBS, close, ledger

CHILD = """
import sys
from datetime import date
import psycopg
from aias_dagster.billing.close import close_through
with psycopg.connect(sys.argv[1], autocommit=True, application_name="billing-child") as conn:
    close_through(conn, date(2026, 2, 1))
"""


def _waiting_on_lock(settings: ConnectionSettings) -> bool:
    with psycopg.connect(settings.url, autocommit=True) as conn:
        rows = conn.execute("select wait_event_type from pg_stat_activity where application_name = 'billing-child'")
        return [r[0] for r in rows] == ["Lock"]


def test_a_close_killed_mid_month_leaves_nothing_of_it_and_a_rerun_writes_it_once(
    billing_db: ConnectionSettings, tmp_path: Path
) -> None:
    deliver(billing_db, tmp_path / "landing", "2026-02-27", REQUESTS, SUBS)
    close(billing_db, date(2026, 1, 1))
    january = ledger(billing_db)

    with psycopg.connect(billing_db.url) as blocker:
        blocker.execute("lock table billing.closed_months in exclusive mode")
        child = subprocess.Popen([sys.executable, "-c", CHILD, billing_db.url], cwd=Path(__file__).parents[2])
        deadline = time.monotonic() + 60
        while not _waiting_on_lock(billing_db):
            assert child.poll() is None, "the close ended before it reached the lock"
            assert time.monotonic() < deadline, "the close never reached the lock"
            time.sleep(0.1)
        with psycopg.connect(billing_db.url) as peek:  # February's rows exist, uncommitted, in the child's transaction
            assert peek.execute("select count(*) from billing.invoices where month = '2026-02-01'").fetchone() == (0,)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        blocker.rollback()

    deadline = time.monotonic() + 30
    while _backend_alive(billing_db) and time.monotonic() < deadline:  # the server notices the dead client
        time.sleep(0.1)
    assert ledger(billing_db) == january  # nothing of February, January untouched

    results = close(billing_db, date(2026, 2, 1))
    assert [(r.month, r.closed) for r in results] == [(date(2026, 1, 1), False), (date(2026, 2, 1), True)]
    after = ledger(billing_db)
    assert [r[0] for r in after["invoices"]] == ["INV-202601-C1-USD", "INV-202602-C1-USD", "INV-202602-C2-JPY"]
    assert after["invoices"][0] == january["invoices"][0]
    assert len(after["invoice_lines"]) == 6 and len(after["invoice_documents"]) == 3


def _backend_alive(settings: ConnectionSettings) -> bool:
    with psycopg.connect(settings.url, autocommit=True) as conn:
        row = conn.execute("select count(*) from pg_stat_activity where application_name = 'billing-child'").fetchone()
    return bool(row and row[0])
