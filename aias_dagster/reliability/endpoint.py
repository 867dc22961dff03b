"""A local stand-in for the platform's remediation endpoint (`AIAS_REMEDIATION_URL`), for the demo and the tests.

A real HTTP server on 127.0.0.1 that behaves like a payments-grade API: `POST /v1/remediations` with an
`Idempotency-Key` header runs the action once per key and answers every later request with that key
with the stored answer (`Idempotent-Replayed: true`); a request while the key's first one is still in
flight gets 409. It fails some calls on purpose: 429 with `Retry-After`, 503, and timeouts, where the
action runs but the answer comes too late for the client (the case idempotency keys exist for).
Faults come from a per-key script (tests) or from seeded rates (the demo).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/v1/remediations"
OK, RATE_LIMITED, UNAVAILABLE, TIMEOUT = "ok", "429", "503", "timeout"


@dataclass
class FaultPlan:
    """Per key, the faults of its first requests in order (then success); else seeded random rates."""

    script: dict[str, list[str]] = field(default_factory=dict)
    rate_429: float = 0.0
    rate_503: float = 0.0
    rate_timeout: float = 0.0
    stall_seconds: float = 2.0  # how long a timeout holds the answer back
    seed: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def next_fault(self, key: str) -> str:
        if key in self.script:
            return self.script[key].pop(0) if self.script[key] else OK
        draw = self._rng.random()
        for fault, rate in ((RATE_LIMITED, self.rate_429), (UNAVAILABLE, self.rate_503), (TIMEOUT, self.rate_timeout)):
            if draw < rate:
                return fault
            draw -= rate
        return OK


@dataclass
class EndpointState:
    plan: FaultPlan
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)
    in_flight: set[str] = field(default_factory=set)
    executions: Counter[str] = field(default_factory=Counter)  # actions actually run, per key
    requests: list[tuple[str, str]] = field(default_factory=list)  # (key, what the server did)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            body = json.dumps({"executions": dict(state.executions), "requests": len(state.requests)})
        self._answer(200, body)

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length)
        key = self.headers.get("Idempotency-Key", "")
        if self.path != PATH or not key:
            self._answer(
                404 if self.path != PATH else 400,
                json.dumps({"error": "POST /v1/remediations needs an Idempotency-Key"}),
            )
            return
        with state.lock:
            if key in state.answers:
                state.requests.append((key, "replayed"))
                status, body = state.answers[key]
                self._answer(status, body, replayed=True)
                return
            if key in state.in_flight:
                state.requests.append((key, "in_flight"))
                self._answer(409, json.dumps({"error": "a request with this key is in progress"}))
                return
            fault = state.plan.next_fault(key)
            state.requests.append((key, fault))
            if fault in (RATE_LIMITED, UNAVAILABLE):
                status = 429 if fault == RATE_LIMITED else 503
                self._answer(
                    status, json.dumps({"error": "rate limited" if status == 429 else "unavailable"}), retry_after=1
                )
                return
            state.in_flight.add(key)
        try:
            action = json.loads(payload or b"{}").get("action", "")
            body = json.dumps({"status": "done", "action": action, "idempotency_key": key})
            with state.lock:  # the action runs exactly here, once per key
                state.executions[key] += 1
                state.answers[key] = (200, body)
            if fault == TIMEOUT:
                time.sleep(state.plan.stall_seconds)
            self._answer(200, body)
        finally:
            with state.lock:
                state.in_flight.discard(key)

    def _answer(self, status: int, body: str, replayed: bool = False, retry_after: int | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body.encode())))
            if replayed:
                self.send_header("Idempotent-Replayed", "true")
            if retry_after is not None:
                self.send_header("Retry-After", str(retry_after))
            self.end_headers()
            self.wfile.write(body.encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout); the action's answer is stored for its retry


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: EndpointState


@dataclass
class Endpoint:
    """A running stand-in; `url` is what AIAS_REMEDIATION_URL should hold."""

    server: _Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    @property
    def state(self) -> EndpointState:
        return self.server.state

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_endpoint(plan: FaultPlan | None = None, port: int = 0) -> Endpoint:
    """Serve on 127.0.0.1 (port 0: any free port) in a background thread."""
    server = _Server(("127.0.0.1", port), _Handler)
    server.state = EndpointState(plan or FaultPlan())
    thread = threading.Thread(target=server.serve_forever, name="remediation-endpoint", daemon=True)
    thread.start()
    return Endpoint(server, thread)
