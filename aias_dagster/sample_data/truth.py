"""The ground truth: what the pipeline should find, in a folder it never loads."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from aias_dagster.sample_data import world
from aias_dagster.sample_data.columns import Ident, Stamp
from aias_dagster.sample_data.customers import Customers
from aias_dagster.sample_data.incidents import Incident
from aias_dagster.sample_data.reliability import Errors
from aias_dagster.sample_data.support import Tickets
from aias_dagster.sample_data.survey import ANSWER_KINDS, ANSWER_RATE_BY_CHANNEL
from aias_dagster.sample_data.timeline import Timeline
from aias_dagster.sample_data.tracking import DEFAULT_TRACKING_LOSS, TRACKING_LOSS_BY_CHANNEL, UNTRACKABLE_SHARE
from aias_dagster.sample_data.writer import BadRowLocation

README = """\
# Ground truth of a generated sample world

Written by `aias generate` next to (never inside) the landing folder; the pipeline does not load it.
Tests compare what the loops compute with these files.

- `customer_channels.csv`: every customer's TRUE acquisition channel, whether the website tracker can
  link any touchpoint to it (`trackable`; `false`: the customer was lost to tracking), `signup_at` and
  `converted_at` (empty: never paid), and what its `heard_about_us` answer was: `answer_kind` is
  `own_channel` (describes its true channel, in whatever words), `other_channel` (misremembered),
  `vague` (says nothing about a channel) or empty (left blank).
- `tracking_loss.csv`: the world's tracking-loss mode (`channel` or `uniform`, `aias generate
  --tracking-loss`) and the loss rate of every TRUE channel under it (each customer of `channel` is
  lost at random with its channel's rate; `uniform` loses exactly that share per channel and month).
- `survey.csv`: per TRUE channel, the share of customers who answer `heard_about_us` at all.
- `ticket_categories.csv`: the TRUE category of every support ticket.
- `error_categories.csv`: the TRUE reliability category and the TRUE group of every app error. A group
  is one fault: the service, the message template and the names in it that make another fault (an
  upstream, a handler); errors of one group differ only in ids, numbers, addresses and quoted values.
- `feature_catalog.csv`: the catalogued features and their release day.
- `plans.csv`: plan ids, their rank and the mean API requests per day the generator gives them.
- `channel_rules.csv`: the exact (utm_source, utm_medium, referrer_domain) -> channel mapping of the
  touchpoints (empty field = empty value); every touchpoint matches exactly one rule.
- `campaigns.csv`: the paid campaigns, their channel, utm_source and spend currency.
- `incidents.csv`: the windows in which a share of API requests failed with one status.
- `bad_rows.csv` (only with `--bad-rows`): every injected malformed row: its source, its file relative
  to the landing folder, the physical line where the record starts (header = line 1), the field
  holding the defect (empty for `wrong_field_count`) and the problem code.
"""


def write_truth(
    folder: Path,
    timeline: Timeline,
    customers: Customers,
    tickets: Tickets,
    errors: Errors,
    incidents: Sequence[Incident],
    bad_rows: Sequence[BadRowLocation] | None,
    tracking_loss: str = DEFAULT_TRACKING_LOSS,
) -> tuple[Path, ...]:
    """Write every ground-truth file; ``bad_rows`` None removes a stale manifest of an earlier run."""
    folder.mkdir(parents=True, exist_ok=True)
    c = customers
    everyone = np.arange(c.n)
    files = {
        "customer_channels.csv": (
            ("customer_id", "true_channel", "trackable", "signup_at", "converted_at", "answer_kind"),
            zip(
                c.ids(everyone).render(everyone).tolist(),
                np.asarray(world.CHANNELS)[c.channel].tolist(),
                np.where(c.trackable, "true", "false").tolist(),
                Stamp(c.signup_s).render(everyone).tolist(),
                Stamp(c.converted_s).render(everyone).tolist(),
                np.asarray(("", *ANSWER_KINDS))[c.answer_kind + 1].tolist(),
                strict=True,
            ),
        ),
        "tracking_loss.csv": (
            ("mode", "true_channel", "loss_rate"),
            ((tracking_loss, ch, _loss_rate(tracking_loss, ch)) for ch in world.CHANNELS),
        ),
        "survey.csv": (
            ("true_channel", "answer_rate"),
            ((ch, ANSWER_RATE_BY_CHANNEL[ch]) for ch in world.CHANNELS),
        ),
        "ticket_categories.csv": (
            ("ticket_id", "true_category"),
            _labelled(Ident("TK", tickets.number, 7), tickets.category, world.TICKET_CATEGORIES),
        ),
        "error_categories.csv": (
            ("error_id", "true_category", "true_group"),
            (
                (*labelled, group)
                for labelled, group in zip(
                    _labelled(Ident("ER", errors.number, 9), errors.category, world.ERROR_CATEGORIES),
                    errors.text.group.tolist(),
                    strict=True,
                )
            ),
        ),
        "feature_catalog.csv": (
            ("feature", "released_on"),
            ((f.name, f.released_on.isoformat()) for f in world.FEATURES),
        ),
        "plans.csv": (
            ("plan_id", "rank", "mean_daily_requests", "currency"),
            ((p.plan_id, p.rank, p.mean_daily_requests, p.currency) for p in world.PLANS),
        ),
        "channel_rules.csv": (
            ("utm_source", "utm_medium", "referrer_domain", "channel"),
            ((r.utm_source, r.utm_medium, r.referrer_domain, r.channel) for r in world.CHANNEL_RULES),
        ),
        "campaigns.csv": (
            ("campaign_id", "channel", "utm_source", "currency"),
            ((x.campaign_id, x.channel, x.utm_source, x.currency) for x in world.CAMPAIGNS),
        ),
        "incidents.csv": (
            ("started_at", "ended_at", "true_category", "status_code", "service"),
            ((*_stamps(i.start_s, i.end_s), i.category, i.status_code, i.service) for i in incidents),
        ),
    }
    manifest = folder / "bad_rows.csv"
    if bad_rows is None:
        manifest.unlink(missing_ok=True)
    else:
        files["bad_rows.csv"] = (
            ("source", "file", "line", "field", "problem"),
            ((b.row.source, b.file, b.line, b.row.field, b.row.problem) for b in bad_rows),
        )
    written = []
    for name, (header, records) in files.items():
        written.append(_write_csv(folder / name, header, records))
    readme = folder / "README.md"
    readme.write_text(README, encoding="utf-8")
    return (*written, readme)


def _loss_rate(mode: str, channel: str) -> float:
    return UNTRACKABLE_SHARE if mode == "uniform" else TRACKING_LOSS_BY_CHANNEL[channel]


def _stamps(*seconds: int) -> list[str]:
    return Stamp(np.asarray(seconds, dtype=np.int64)).render(np.arange(len(seconds))).tolist()


def _labelled(ids: Ident, codes: np.ndarray, labels: tuple[str, ...]) -> Iterable[tuple[str, str]]:
    everyone = np.arange(len(codes))
    return zip(ids.render(everyone).tolist(), np.asarray(labels)[codes].tolist(), strict=True)


def _write_csv(path: Path, header: Sequence[str], records: Iterable[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(records)
    return path
