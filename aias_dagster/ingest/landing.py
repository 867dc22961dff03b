"""Where landing files are: `<landing>/<source>/<YYYY-MM-DD>.csv` or `.csv.gz`."""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO

FILE_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})\.csv(\.gz)?$")
SUFFIXES = (".csv", ".csv.gz")


class LandingError(Exception):
    """A landing file that cannot be loaded at all; the message names the file and what to fix."""


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn a failed read (missing file, cut-off or corrupt gzip) into a LandingError naming the file."""
    try:
        yield
    except (OSError, EOFError, zlib.error) as exc:
        raise LandingError(f"{path}: cannot be read ({exc}); nothing of it was loaded") from exc


def landing_file(landing_dir: Path, source: str, day: date) -> Path | None:
    """The file delivered for source and day, or None. Both a .csv and a .csv.gz is an error."""
    candidates = [landing_dir / source / f"{day.isoformat()}{suffix}" for suffix in SUFFIXES]
    present = [p for p in candidates if p.exists()]
    if len(present) > 1:
        raise LandingError(f"{present[0]} and {present[1]}: two deliveries for one day; remove one of them")
    return present[0] if present else None


def delivery_days(landing_dir: Path, source: str) -> list[date]:
    """The days for which a file of source was delivered, oldest first (see ignored_files for the rest)."""
    folder = landing_dir / source
    if not folder.is_dir():
        return []
    days = set()
    for path in folder.iterdir():
        day = _day_of(path.name)
        if isinstance(day, date):
            days.add(day)
    return sorted(days)


def ignored_files(landing_dir: Path, source: str) -> list[tuple[str, str]]:
    """(file name, why) for every entry of a source's folder that is not a delivery and so is never loaded.

    A file named `2026-10-04; drop table raw.api_requests.csv` or `2026-02-30.csv` would otherwise be
    skipped without a word: the load summary lists them.
    """
    folder = landing_dir / source
    if not folder.is_dir():
        return []
    ignored = []
    for path in sorted(folder.iterdir()):
        day = _day_of(path.name)
        if not isinstance(day, date):
            ignored.append((path.name, "a directory" if path.is_dir() else day))
    return ignored


def _day_of(name: str) -> date | str:
    """The delivery day a file name stands for, or why it stands for none."""
    match = FILE_PATTERN.match(name)
    if not match:
        return "not named YYYY-MM-DD.csv or YYYY-MM-DD.csv.gz"
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return f"{match.group(1)} is not a calendar date"


def delivery_date_of(path: Path) -> date:
    match = FILE_PATTERN.match(path.name)
    if not match:
        raise LandingError(f"{path}: a landing file is named YYYY-MM-DD.csv or YYYY-MM-DD.csv.gz")
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        raise LandingError(f"{path}: {match.group(1)} is not a calendar date") from None


def open_binary(path: Path) -> IO[bytes]:
    """The file's CSV bytes, decompressed on the fly for .csv.gz."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def file_checksum(path: Path) -> str:
    """sha256 of the delivered bytes: the same bytes delivered again are recognised and skipped."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def first_delivery_day(landing_dir: Path) -> date | None:
    """The oldest day any source has a file for: where the daily partitions start."""
    if not landing_dir.is_dir():
        return None
    days = [
        day for folder in landing_dir.iterdir() if folder.is_dir() for day in delivery_days(landing_dir, folder.name)
    ]
    return min(days, default=None)
