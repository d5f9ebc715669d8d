"""Reading data files: transparent decompression and the rule for bytes that are not UTF-8.

Files ending in `.gz`, `.xz` (or `.lzma`) and `.bz2` are decompressed while reading; the name
without that suffix decides the format (`test.jsonl.xz` is JSON Lines).

Non-UTF-8 policy: a line (or CSV field) with bytes that are not valid UTF-8 is decoded with
replacement (each bad byte becomes U+FFFD) and the row is loaded and flagged, never skipped;
lone surrogates that a JSON escape (`"\\ud800"`) can produce are replaced the same way, so every
loaded string can be written back as UTF-8.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

COMPRESSIONS = {".gz": gzip.open, ".xz": lzma.open, ".lzma": lzma.open, ".bz2": bz2.open}
REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def inner_suffix(path: Path) -> str:
    """The format suffix of `path`, lower case, after removing a compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def open_binary(path: Path) -> BinaryIO:
    """Open `path` for reading bytes, decompressing by its last suffix."""
    opener = COMPRESSIONS.get(path.suffix.lower())
    if opener is None:
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    return opener(path, "rb")  # type: ignore[return-value]


def decode_line(raw: bytes) -> tuple[str, bool]:
    """Decode one line as UTF-8; returns (text, had_bad_bytes) with bad bytes as U+FFFD."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), True


def clean_text(text: str) -> tuple[str, bool]:
    """Replace lone surrogates (from JSON escapes or surrogateescape decoding) with U+FFFD.

    Returns (clean text, whether anything was replaced).
    """
    if _SURROGATE.search(text) is None:
        return text, False
    return _SURROGATE.sub(REPLACEMENT, text), True


def iter_lines(path: Path) -> Iterator[tuple[int, str, bool]]:
    """Yield (1-based line number, decoded text without the newline, had_bad_bytes)."""
    with open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            text, bad = decode_line(raw.rstrip(b"\r\n"))
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield number, text, bad
