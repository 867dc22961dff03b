"""Error classes and messages: a template of the error's category, filled with the row's own ids and numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.sample_data import world
from aias_dagster.sample_data.arrays import hex_strings
from aias_dagster.sample_data.columns import Stamp, format_ids
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.error_text import ERROR_FILLERS, TRACEBACK
from aias_dagster.sample_data.text import fill, numbers, words
from aias_dagster.sample_data.timeline import HOUR

KINDS = [world.ERROR_KINDS[name] for name in world.ERROR_CATEGORIES]
TEMPLATES = tuple(t for kind in KINDS for t in kind.templates)
ERROR_CLASSES: tuple[str, ...] = tuple(dict.fromkeys(t.error_class for t in TEMPLATES))
TEMPLATE_CLASS = np.asarray([ERROR_CLASSES.index(t.error_class) for t in TEMPLATES])
# Python errors of the internal category that may carry a traceback.
TRACED_CLASSES = ("KeyError", "AttributeError", "AssertionError", "UnhandledException", "InternalServerError")
TRACEBACK_SHARE = 0.15


@dataclass(frozen=True, eq=False)
class ErrorText:
    error_class: np.ndarray  # index into ERROR_CLASSES
    message: np.ndarray
    group: np.ndarray  # the TRUE group: service, template and the slots that name the fault


def error_messages(
    rng: np.random.Generator,
    customers: Customers,
    category: np.ndarray,
    service: np.ndarray,
    seconds: np.ndarray,
    customer: np.ndarray,
    request: np.ndarray,
    key: np.ndarray,
    endpoint: np.ndarray,
) -> ErrorText:
    n = len(category)
    counts = [len(k.templates) for k in KINDS]
    first = np.cumsum([0, *counts])
    template = first[category] + rng.integers(0, 1 << 30, n) % np.asarray(counts)[category]
    slots = _slots(rng, customers, seconds, customer, request, key, endpoint)
    message = fill(tuple(t.text for t in TEMPLATES), template, slots)
    traceable = np.isin(TEMPLATE_CLASS[template], [ERROR_CLASSES.index(c) for c in TRACED_CLASSES])
    traced = traceable & (rng.random(n) < TRACEBACK_SHARE)
    traceback = fill((TRACEBACK,), np.zeros(n, dtype=np.int64), slots)
    group = np.asarray(world.SERVICES, dtype=object)[service] + "/t" + template.astype(str).astype(object)
    for t, spec in enumerate(TEMPLATES):
        at = np.flatnonzero(template == t)
        for slot in spec.group_by:
            group[at] = group[at] + "/" + slots[slot][at]
    return ErrorText(TEMPLATE_CLASS[template], np.where(traced, message + traceback, message), group)


def _slots(
    rng: np.random.Generator,
    customers: Customers,
    seconds: np.ndarray,
    customer: np.ndarray,
    request: np.ndarray,
    key: np.ndarray,
    endpoint: np.ndarray,
) -> dict[str, np.ndarray]:
    """The values a message can name; ids are the error's own where it has them."""
    n = len(seconds)
    slots = {name: words(rng, vocabulary, n) for name, vocabulary in ERROR_FILLERS.items()}
    someone = np.where(customer >= 0, customer, rng.integers(0, max(customers.n, 1), n))
    any_key = np.where(key >= 0, key, rng.integers(1, 3 * max(customers.n, 1) + 1, n))
    any_request = np.where(request >= 0, request, rng.integers(1, 10_000_000, n))
    ident = numbers(rng, 10_000, 9_999_999, n)
    octets = [numbers(rng, 0, 256, n) for _ in range(3)]
    ts = seconds - rng.integers(60, 4 * HOUR, n)
    slots.update(
        key=format_ids("K", any_key, 6).astype(object),
        customer=customers.ids(someone).render(np.arange(n)).astype(object),
        request=format_ids("R", any_request, 10).astype(object),
        endpoint=np.asarray(world.ENDPOINTS, dtype=object)[endpoint],
        n=numbers(rng, 2, 500, n),
        m=numbers(rng, 0, 50, n),
        quota=numbers(rng, 100, 5_000, n),
        pid=numbers(rng, 1_000, 65_000, n),
        pid2=numbers(rng, 1_000, 65_000, n),
        line=numbers(rng, 10, 900, n),
        line2=numbers(rng, 10, 2_000, n),
        millis=numbers(rng, 1_000, 9_000_000, n),
        aws_account=numbers(rng, 100_000_000_000, 999_999_999_999, n),
        id=ident,
        hash=hex_strings(rng, n, 12).astype(object),
        obj="0x7f" + hex_strings(rng, n, 10).astype(object),
        token=_tokens(rng, n, 14),
        uuid=_uuids(rng, n),
        ip="10." + octets[0] + "." + octets[1] + "." + octets[2],
        job="job_" + hex_strings(rng, n, 8).astype(object),
        email=words(rng, ("ana", "tom", "li", "sam", "noor", "eva", "j.smith", "ops"), n)
        + numbers(rng, 1, 999, n)
        + "@"
        + slots["domain"],
        epoch=(seconds - rng.integers(0, HOUR, n)).astype(str).astype(object),
        ts=Stamp(ts).render(np.arange(n)).astype(object),
        ts2=Stamp(ts + rng.integers(1, HOUR, n)).render(np.arange(n)).astype(object),
    )
    slots["url"] = "https://" + slots["host"] + "/v2/" + slots["resource"] + "?id=" + ident
    slots["path"] = slots["endpoint"] + "/" + ident
    return slots


def _tokens(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """Opaque mixed-case ids as payment APIs print them (`req_8fK2mZq1Lx9aTb`)."""
    alphabet = np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
    codes = alphabet[rng.integers(0, len(alphabet), size=(n, width))].astype(np.uint32)
    return np.ascontiguousarray(codes).view(f"<U{width}").ravel().astype(object)


def _uuids(rng: np.random.Generator, n: int) -> np.ndarray:
    h = hex_strings(rng, n, 32).astype(object)
    return np.asarray([f"{x[:8]}-{x[8:12]}-4{x[13:16]}-{x[16:20]}-{x[20:]}" for x in h], dtype=object)
