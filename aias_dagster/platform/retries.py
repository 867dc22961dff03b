"""Retry what is worth retrying: a dropped connection or a timeout, never bad data."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import psycopg

MAX_TRANSIENT_RETRIES = 3
BASE_DELAY_SECONDS = 5.0
MAX_DELAY_SECONDS = 120.0


# What dbt (a child process) prints when the database, not the data, failed it.
TRANSIENT_DBT_MESSAGES: tuple[str, ...] = (
    "could not connect to server",
    "connection refused",
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",
    "the database system is starting up",
    "the database system is shutting down",
    "canceling statement due to statement timeout",
    "connection timed out",
    "ssl syscall error",
)


def is_transient(exc: BaseException) -> bool:
    """Connection loss, server shutdown and statement timeouts are transient; data errors are not."""
    if isinstance(exc, psycopg.OperationalError):
        return True
    text = str(exc).lower()
    return any(message in text for message in TRANSIENT_DBT_MESSAGES)


def backoff_seconds(retry_number: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**n)]."""
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**retry_number)
    return (rng or random).uniform(0, ceiling)


@contextmanager
def retry_transient(context: dg.AssetExecutionContext | dg.OpExecutionContext) -> Iterator[None]:
    """Turn a transient database error into a Dagster retry of the step, after a backoff."""
    try:
        yield
    except Exception as exc:
        if not is_transient(exc):
            raise
        wait = backoff_seconds(context.retry_number)
        context.log.warning(f"transient database error, retrying in {wait:.0f}s: {exc}")
        raise dg.RetryRequested(max_retries=MAX_TRANSIENT_RETRIES, seconds_to_wait=wait) from exc
