"""The collector's HTTP routes (Starlette on uvicorn): Segment's /v1/*, Sentry's /api/<project>/*, health, metrics.

Acknowledged means stored: a 200 is sent only after the request's rows, rejects and counts are committed.
Postgres unreachable: 503 with Retry-After, so Segment's SDKs send the batch again. A body that cannot be read
is a 400 naming the fault, a wrong or missing key a 401, a body beyond the spec's limits a 413; an invalid event
inside a readable body is a reject (raw.load_rejects) and its neighbours are stored.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import queue
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import psycopg
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from aias_dagster.collect import segment, sentry
from aias_dagster.collect.bodies import BodyError, BodyTooLarge, decode_body
from aias_dagster.collect.keys import CollectKeys, matches
from aias_dagster.collect.metrics import Metrics
from aias_dagster.collect.rows import Parsed
from aias_dagster.collect.spool import Spool
from aias_dagster.collect.store import (
    Stored,
    ensure_collect_schema,
    known_groups,
    store_segment,
    store_sentry,
    work_as_loader,
)

log = logging.getLogger("aias.collect")

RETRY_AFTER_SECONDS = 5
POOL_SIZE = 8
T = TypeVar("T")


class Unavailable(RuntimeError):
    """Postgres cannot be reached (or the write failed for want of it): nothing was stored."""


class ConnectionPool:
    """A few open connections, reused across requests (a connect costs more than a small batch's insert).

    A connection that failed is closed, not returned, so the next request after an outage connects anew.
    """

    def __init__(self, url: str, size: int = POOL_SIZE) -> None:
        self.url = url
        self.idle: queue.LifoQueue[psycopg.Connection] = queue.LifoQueue(maxsize=size)
        self.schema_ready = False

    def run(self, work: Callable[[psycopg.Connection], T]) -> T:
        """work(conn) in one transaction, committed before this returns; Unavailable when Postgres is not there."""
        try:
            conn = self.idle.get_nowait()
        except queue.Empty:
            conn = None
        try:
            if conn is None or conn.closed:
                conn = psycopg.connect(self.url, connect_timeout=5, application_name="aias collect")
                if not self.schema_ready:
                    ensure_collect_schema(conn)
                    self.schema_ready = True
                work_as_loader(conn)
            with conn.transaction():
                result = work(conn)
        except psycopg.OperationalError as exc:
            if conn is not None:
                conn.close()
            raise Unavailable(type(exc).__name__) from None
        except BaseException:  # a bug, not an outage (a 500): the connection goes, its state unknown
            if conn is not None:
                conn.close()
            raise
        with contextlib.suppress(queue.Full):
            self.idle.put_nowait(conn)
        return result

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return


@dataclass
class Collector:
    """What the routes share: the keys, the database, the catalog of features, the counters."""

    keys: CollectKeys
    pool: ConnectionPool
    catalog: frozenset[str] = frozenset()
    metrics: Metrics = field(default_factory=Metrics)
    retry_after_seconds: int = RETRY_AFTER_SECONDS  # what a 503 asks an SDK to wait before sending again
    spool: Spool | None = None  # where Sentry requests wait while Postgres is unreachable (None: they get a 503)
    replay_seconds: float = 2.0  # how often the spool is tried again
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def segment_error(status: int, code: str, message: str) -> JSONResponse:
    """Segment's error body: the SDK logs `code` and `message`."""
    return JSONResponse({"code": code, "message": message}, status_code=status)


def unavailable(source: str, retry_after: int) -> JSONResponse:
    body = {"code": "unavailable", "message": "the warehouse is unreachable; nothing was stored, send again"}
    if source == "sentry":
        body = {"detail": body["message"]}
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(retry_after)})


def basic_user(header: str | None) -> str | None:
    """The user name of `Authorization: Basic ...` (Segment's write key), or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0]


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused once it passes limit: a compressed body larger than the limit decompresses larger."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"body is larger than {limit // 1024} KB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body is larger than {limit // 1024} KB")
        chunks.append(chunk)
    return b"".join(chunks)


def build_app(collector: Collector) -> Starlette:
    async def segment_call(request: Request) -> Response:
        started = time.monotonic()
        response = await _segment(request, collector, request.path_params["call"])
        answered(request, "segment", response, started)
        return response

    async def sentry_call(request: Request) -> Response:
        started = time.monotonic()
        response = await _sentry(request, collector, request.url.path.rstrip("/").rsplit("/", 1)[-1])
        answered(request, "sentry", response, started)
        return response

    def answered(request: Request, source: str, response: Response, started: float) -> None:
        """Counted, and logged when refused: method, path and status only (a query may hold `sentry_key`)."""
        collector.metrics.answered(source, response.status_code, time.monotonic() - started)
        if response.status_code >= 400:
            log.warning(f"{request.method} {request.url.path} {response.status_code}")

    async def healthz(request: Request) -> Response:
        try:
            await run_in_threadpool(collector.pool.run, lambda conn: conn.execute("select 1").fetchone())
        except Unavailable:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        events = {f"{s}_{o}": n for (s, o), n in sorted(collector.metrics.events.items())}
        if collector.spool is not None:
            events["sentry_spooled"] = collector.spool.count()
        newest = {f"{s}_newest_event_at": t.isoformat() for s, t in collector.metrics.newest.items()}
        return JSONResponse({"status": "ok", "database": "reachable", **events, **newest})

    async def metrics(request: Request) -> Response:
        return PlainTextResponse(collector.metrics.render(), media_type="text/plain; version=0.0.4")

    async def replay() -> None:
        """The spooled Sentry requests into Postgres, oldest first, whenever it answers."""
        while True:
            await asyncio.sleep(collector.replay_seconds)
            try:
                await run_in_threadpool(replay_spool, collector)
            except Unavailable:
                continue
            except Exception:  # a bug: said, and tried again later rather than ending the replays
                log.exception("aias collect: storing the spooled Sentry requests failed")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:  # the tables at startup when Postgres is there; else at the first request that reaches it
            await run_in_threadpool(collector.pool.run, lambda conn: None)
        except Unavailable:
            log.warning("aias collect: the warehouse is unreachable; requests get 503 until it is back")
        replaying = asyncio.create_task(replay()) if collector.spool is not None else None
        yield
        if replaying is not None:
            replaying.cancel()
        collector.pool.close()

    routes = [
        Route("/v1/{call:str}", segment_call, methods=["POST"]),
        Route("/api/{project_id:int}/envelope/", sentry_call, methods=["POST"]),
        Route("/api/{project_id:int}/store/", sentry_call, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


async def _segment(request: Request, collector: Collector, call: str) -> Response:
    if call not in ("batch", *segment.CALLS):
        return segment_error(404, "not_found", f"/v1/{call} is not a call of the tracking API")
    limit = segment.BATCH_LIMIT if call == "batch" else segment.CALL_LIMIT
    received_at = datetime.now(UTC)
    try:
        body = decode_body(await read_body(request, limit), request.headers.get("content-encoding"), limit)
    except BodyTooLarge as exc:
        return segment_error(413, "too_large", f"{exc}: the limit is 32 KB a call and 500 KB a batch")
    except BodyError as exc:
        return segment_error(400, "bad_body", str(exc))
    key = basic_user(request.headers.get("authorization"))
    try:
        messages, sent_at = segment.messages_of(body, call)
        if key is None:
            key = _body_write_key(body)
        if not matches(key, collector.keys.write_key):
            return segment_error(401, "unauthorized", "wrong or missing write key (basic auth, the key as user name)")
    except segment.SegmentBodyError as exc:
        if not matches(key, collector.keys.write_key):
            return segment_error(401, "unauthorized", "wrong or missing write key (basic auth, the key as user name)")
        return segment_error(400, "bad_body", str(exc))

    def work(conn: psycopg.Connection) -> Stored:
        groups = known_groups(conn, segment.users_of(messages))
        parsed = segment.parse_messages(messages, sent_at, received_at, collector.catalog, groups)
        return store_segment(conn, parsed, received_at)

    try:
        stored = await run_in_threadpool(collector.pool.run, work)
    except Unavailable:
        return unavailable("segment", collector.retry_after_seconds)
    collector.metrics.stored("segment", stored)
    return JSONResponse({"success": True, "accepted": stored.accepted, "rejected": stored.rejected})


def _body_write_key(body: bytes) -> str | None:
    """Segment's SDKs also put the key in the body (`writeKey`); used when no Authorization header came."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    value = document.get("writeKey") if isinstance(document, dict) else None
    return value if isinstance(value, str) else None


async def _sentry(request: Request, collector: Collector, endpoint: str) -> Response:
    key = sentry.public_key(request.headers.get("x-sentry-auth"), request.url.query)
    if not matches(key, collector.keys.sentry_key):
        return JSONResponse({"detail": "wrong or missing DSN key (X-Sentry-Auth sentry_key=...)"}, status_code=401)
    received_at = datetime.now(UTC)
    limit = sentry.ENVELOPE_LIMIT if endpoint == "envelope" else sentry.EVENT_LIMIT
    try:
        body = decode_body(await read_body(request, limit), request.headers.get("content-encoding"), limit)
        parse: Callable[[bytes, datetime], Parsed] = (
            sentry.parse_envelope if endpoint == "envelope" else sentry.parse_store
        )
        parsed = parse(body, received_at)
    except BodyTooLarge as exc:
        return JSONResponse({"detail": str(exc)}, status_code=413)
    except (BodyError, sentry.SentryBodyError) as exc:
        return JSONResponse({"detail": str(exc)}, status_code=400)
    try:
        stored = await run_in_threadpool(collector.pool.run, lambda conn: store_sentry(conn, parsed, received_at))
    except Unavailable:
        if collector.spool is None:
            return unavailable("sentry", collector.retry_after_seconds)
        # Sentry's SDKs drop what a 503 refused: kept on disk instead, and acknowledged once it is there.
        await run_in_threadpool(collector.spool.put, endpoint, received_at, body)
        first = parsed.errors[0].error_id if parsed.errors else None
        return JSONResponse({"id": first} if first else {})
    collector.metrics.stored("sentry", stored)
    first = parsed.errors[0].error_id if parsed.errors else None
    return JSONResponse({"id": first} if first else {})


def catalog_path(root: Path) -> Path:
    return root / "dbt_project" / "seeds" / "product" / "feature_catalog.csv"


def load_catalog(root: Path) -> frozenset[str]:
    """The feature catalog seed of the checkout; empty (every name kept as it is) when there is none."""
    path = catalog_path(root)
    return segment.read_catalog(path) if path.exists() else frozenset()


def replay_spool(collector: Collector) -> int:
    """Store every spooled Sentry request, each in its own transaction, removing its file after the commit."""
    assert collector.spool is not None
    done = 0
    for kept in collector.spool.pending():
        parse = sentry.parse_envelope if kept.endpoint == "envelope" else sentry.parse_store
        parsed = parse(kept.body, kept.received_at)
        stored = collector.pool.run(lambda conn, parsed=parsed, at=kept.received_at: store_sentry(conn, parsed, at))
        collector.metrics.stored("sentry", stored)
        kept.path.unlink()
        done += 1
    return done
