"""Running the collector: uvicorn on a host and port, and what the person starting it needs to configure SDKs.

uvicorn's access log is off: it writes each request's query string, and a Sentry SDK may put the DSN key in
`?sentry_key=`. The routes log method, path and status instead.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from aias_dagster.collect.app import Collector, ConnectionPool, build_app, load_catalog
from aias_dagster.collect.keys import WRITE_KEY_ENV, CollectKeys, load_keys
from aias_dagster.collect.spool import Spool

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8070
SENTRY_PROJECT_ID = 1  # any project id is accepted; the DSN names one because SDKs require it


def is_loopback(host: str) -> bool:
    """Whether host is this machine only; a name is resolved, an unresolvable one is not loopback."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except OSError:
            return False


def base_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    return f"http://{shown}:{port}"


def sentry_dsn(keys: CollectKeys, host: str, port: int) -> str:
    return base_url(host, port).replace("://", f"://{keys.sentry_key}@", 1) + f"/{SENTRY_PROJECT_ID}"


def startup_lines(host: str, port: int, keys: CollectKeys, keys_from: str) -> list[str]:
    """What `aias collect` prints: where it listens and the two settings an SDK needs (the only place keys appear)."""
    url = base_url(host, port)
    lines = []
    if not is_loopback(host):
        lines.append(
            f"warning: listening on {host}, beyond this machine: anyone who can reach it and holds a key can "
            "write events; put TLS in front of it (a reverse proxy) before SDKs send over a network"
        )
    lines += [
        f"aias collect: listening on {url} (Ctrl-C stops it)",
        f"  Segment SDKs: host {url}, write key {keys.write_key} ({keys_from})",
        f"  Sentry SDKs:  dsn {sentry_dsn(keys, host, port)}",
        f"  health {url}/healthz, Prometheus metrics {url}/metrics",
    ]
    return lines


def make_collector(database_url: str, home: Path, root: Path) -> tuple[Collector, str]:
    """The collector and where its keys came from (the environment, or the file under home)."""
    keys = load_keys(home)
    keys_from = f"from {WRITE_KEY_ENV}" if os.environ.get(WRITE_KEY_ENV, "").strip() else f"kept in {home / 'collect'}"
    spool = Spool(home / "collect" / "spool")
    return Collector(keys=keys, pool=ConnectionPool(database_url), catalog=load_catalog(root), spool=spool), keys_from


def make_server(database_url: str, home: Path, root: Path, host: str, port: int) -> tuple[uvicorn.Server, list[str]]:
    """The uvicorn server of a collector, and the lines to print once it listens."""
    collector, keys_from = make_collector(database_url, home, root)
    config = uvicorn.Config(
        build_app(collector), host=host, port=port, access_log=False, log_level="warning", lifespan="on"
    )
    logger = logging.getLogger("aias.collect")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s aias collect: %(message)s"))
        logger.addHandler(handler)
    return uvicorn.Server(config), startup_lines(host, port, collector.keys, keys_from)


def serve(database_url: str, home: Path, root: Path, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve until stopped (Ctrl-C, SIGTERM)."""
    server, lines = make_server(database_url, home, root, host, port)
    for line in lines:
        say(line)
    server.run()


@contextmanager
def collector_beside(
    database_url: str, home: Path, root: Path, host: str, port: int, say: Callable[[str], None]
) -> Iterator[str | None]:
    """A collector in a thread for the block (`aias ui` runs one beside Dagster); its URL, or None when it could
    not listen (the port taken: the UI starts all the same, and says so)."""
    server, lines = make_server(database_url, home, root, host, port)

    def run() -> None:
        with contextlib.suppress(SystemExit):  # uvicorn exits when it cannot bind; said below, the UI goes on
            server.run()

    thread = threading.Thread(target=run, name="aias-collect", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        server.should_exit = True
        say(f"aias collect: could not listen on {base_url(host, port)} (port taken?); the UI starts without it")
        yield None
        return
    for line in lines:
        say(line)
    try:
        yield base_url(host, port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        say("aias collect: stopped")
