"""Reading data files: transparent decompression and the rule for bytes that are not UTF-8.

Files ending in `.gz`, `.xz` (or `.lzma`) and `.bz2` are decompressed while reading; the name
without that suffix decides the format (`test.jsonl.xz` is JSON Lines).

A compressed file that is corrupt, truncated or not compressed at all (a `.xz` that holds
something else) is a ConfigError naming the file and what is wrong with it (`read_errors`),
wherever in the file the reader finds out.

Non-UTF-8 policy: a line (or CSV field) with bytes that are not valid UTF-8 is decoded with
replacement (each bad byte becomes U+FFFD) and the row is loaded and flagged, never skipped;
lone surrogates that a JSON escape (`"\\ud800"`) can produce are replaced the same way, so every
loaded string can be written back as UTF-8.
"""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import lzma
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from metacompress.errors import ConfigError

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


#: What the decompressors raise on bad data (bz2 raises an OSError without an errno).
DECOMPRESSION_ERRORS = (lzma.LZMAError, EOFError, zlib.error, gzip.BadGzipFile)


@contextlib.contextmanager
def read_errors(path: Path) -> Iterator[None]:
    """Turn a failure to read or decompress `path` into a ConfigError naming it."""
    try:
        yield
    except (*DECOMPRESSION_ERRORS, OSError) as error:
        compressed = path.suffix.lower() in COMPRESSIONS
        if isinstance(error, DECOMPRESSION_ERRORS) or (compressed and error.errno is None):
            detail = (
                "truncated: the file ends inside its compressed data"
                if isinstance(error, EOFError)
                else str(error) or type(error).__name__
            )
            raise ConfigError(
                f"cannot read {path}: not valid {path.suffix.lower().lstrip('.')} data "
                f"({detail}); fix: download or compress the file again"
            ) from None
        if error.errno == errno.EISDIR:
            raise ConfigError(
                f"cannot read {path}: it is a folder, and this format reads one file; fix: pass "
                "the file, or a folder of .parquet/.arrow files with format parquet or arrow"
            ) from None
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None


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
    with read_errors(path), open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            text, bad = decode_line(raw.rstrip(b"\r\n"))
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield number, text, bad
