"""Which day's file a row is delivered in.

The file of day D holds the rows whose time falls on D; a small share of event rows arrives a day or
two late (as trackers and log shippers do), which is what the pipeline's late-row handling is for.
"""

from __future__ import annotations

import numpy as np

from aias_dagster.sample_data.timeline import DAY, Timeline

LATE_SHARE = 0.02  # of product_events, api_requests, touchpoints and app_errors


def deliver(
    rng: np.random.Generator | None, timeline: Timeline, seconds: np.ndarray, late_share: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Delivery day and arrival order of rows whose time is ``seconds``.

    Rows from before the world land in the first file, never later. A late row moves to D+1 or D+2, unless that
    would pass the world's last day; then it stays on time.
    """
    seconds = np.asarray(seconds, dtype=np.int64)
    event_day = timeline.day_of(seconds)
    day = np.maximum(event_day, 0)
    if rng is None or not late_share:
        return day, seconds
    n = len(seconds)
    lag = rng.integers(1, 3, n)
    late = (rng.random(n) < late_share) & (event_day >= 0) & (day + lag <= timeline.last_day)
    return np.where(late, day + lag, day), np.where(late, seconds + lag * DAY, seconds)
