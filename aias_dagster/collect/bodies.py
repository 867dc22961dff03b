"""Request bodies as the SDKs send them: plain, gzip, deflate or brotli, read up to a limit.

Decompression stops at the limit plus one byte, so a small compressed body cannot expand into gigabytes
of memory before the size check sees it (a zip bomb is a 413 like any other oversized body).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; without it `br` bodies are a 415
    brotli = None


class BodyError(ValueError):
    """The body cannot be read; the message names what is wrong, for the 400 the client sees."""


class BodyTooLarge(BodyError):
    """Larger than the endpoint accepts (decompressed); a 413."""


def decode_body(raw: bytes, encoding: str | None, limit: int) -> bytes:
    """The body's bytes after its Content-Encoding, at most limit of them (BodyTooLarge beyond)."""
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        data = raw
    elif encoding in ("gzip", "x-gzip", "deflate"):
        data = _inflate(raw, encoding, limit)
    elif encoding == "br":
        data = _unbrotli(raw, limit)
    else:
        raise BodyError(f"Content-Encoding {encoding!r} is not supported (gzip, deflate, br or none)")
    if len(data) > limit:
        raise BodyTooLarge(f"body is larger than {limit // 1024} KB")
    return data


def _inflate(raw: bytes, encoding: str, limit: int) -> bytes:
    # gzip: header and trailer; deflate: zlib-wrapped as HTTP says, though some clients send it raw.
    modes = [16 + zlib.MAX_WBITS] if encoding != "deflate" else [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    for wbits in modes:
        inflater = zlib.decompressobj(wbits)
        try:
            data = inflater.decompress(raw, limit + 1)
        except zlib.error as exc:
            if wbits == modes[-1]:
                raise BodyError(f"the {encoding} body cannot be decompressed ({exc})") from None
            continue
        if len(data) <= limit and not inflater.eof:
            raise BodyError(f"the {encoding} body is cut off")
        return data
    raise AssertionError("unreachable")


def _unbrotli(raw: bytes, limit: int) -> bytes:
    if brotli is None:
        raise BodyError("Content-Encoding 'br' needs the brotli package")
    decompressor = brotli.Decompressor()
    try:
        data = decompressor.process(raw, output_buffer_limit=limit + 1)
    except TypeError:  # an older brotli without the limit
        data = decompressor.process(raw)
    except brotli.error as exc:
        raise BodyError(f"the br body cannot be decompressed ({exc})") from None
    return data


def json_object(data: bytes, error: type[ValueError], what: str) -> dict[str, Any]:
    """data as a JSON object; error(message) naming `what` when it is not JSON or not an object."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{what} is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise error(f"{what} must be a JSON object")
    return document
