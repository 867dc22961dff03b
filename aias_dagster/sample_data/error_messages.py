"""Error classes and messages: the category's templates filled with the row's own ids and numbers."""

from __future__ import annotations

import numpy as np

from aias_dagster.sample_data import world
from aias_dagster.sample_data.arrays import hex_strings
from aias_dagster.sample_data.columns import Stamp, format_ids
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.error_text import ERROR_FILLERS, TRACEBACK
from aias_dagster.sample_data.text import fill, numbers, words
from aias_dagster.sample_data.timeline import HOUR

KINDS = [world.ERROR_KINDS[name] for name in world.ERROR_CATEGORIES]
ERROR_CLASSES: tuple[str, ...] = tuple(k for kind in KINDS for k in kind.classes)
TEMPLATES: tuple[str, ...] = tuple(t for kind in KINDS for t in kind.templates)
TRACEBACK_SHARE = 0.15  # of internal errors


def error_messages(
    rng: np.random.Generator,
    customers: Customers,
    category: np.ndarray,
    seconds: np.ndarray,
    customer: np.ndarray,
    request: np.ndarray,
    key: np.ndarray,
    endpoint: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per error: an index into ERROR_CLASSES and its message text."""
    n = len(category)
    error_class = _choose(rng, category, [len(k.classes) for k in KINDS])
    template = _choose(rng, category, [len(k.templates) for k in KINDS])
    slots = _slots(rng, customers, seconds, customer, request, key, endpoint)
    message = fill(TEMPLATES, template, slots)
    traced = (category == world.ERROR_CATEGORIES.index("internal")) & (rng.random(n) < TRACEBACK_SHARE)
    traceback = fill((TRACEBACK,), np.zeros(n, dtype=np.int64), slots)
    return error_class, np.where(traced, message + traceback, message)


def _choose(rng: np.random.Generator, category: np.ndarray, counts: list[int]) -> np.ndarray:
    """A random option of each row's category, as an index into the flattened option list."""
    first = np.cumsum([0, *counts])
    return first[category] + rng.integers(0, 1 << 30, len(category)) % np.asarray(counts)[category]


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
    slots.update(
        key=format_ids("K", any_key, 6).astype(object),
        customer=customers.ids(someone).render(np.arange(n)).astype(object),
        request=format_ids("R", any_request, 10).astype(object),
        endpoint=np.asarray(world.ENDPOINTS, dtype=object)[endpoint],
        n=numbers(rng, 2, 500, n),
        m=numbers(rng, 0, 50, n),
        quota=numbers(rng, 100, 5_000, n),
        pid=numbers(rng, 1_000, 65_000, n),
        line=numbers(rng, 10, 900, n),
        id=ident,
        hash=hex_strings(rng, n, 12).astype(object),
        job="job_" + hex_strings(rng, n, 8).astype(object),
        email=words(rng, ("ana", "tom", "li", "sam", "noor", "eva"), n)
        + numbers(rng, 1, 999, n)
        + "@"
        + slots["domain"],
        epoch=(seconds - rng.integers(0, HOUR, n)).astype(str).astype(object),
        ts=Stamp(seconds - rng.integers(60, 4 * HOUR, n)).render(np.arange(n)).astype(object),
    )
    slots["url"] = "https://" + slots["host"] + "/v2/" + slots["resource"] + "?id=" + ident
    slots["path"] = slots["endpoint"] + "/" + ident
    return slots
