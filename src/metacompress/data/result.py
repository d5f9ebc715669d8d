"""What a loader returns: the examples, and every row it skipped or flagged with the reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from metacompress.data.types import Example

# Reasons a row is skipped (counted by reason; `detail` carries the specifics).
MISSING_FIELD = "missing field"
EMPTY_CODE = "empty code"
NOT_CODE = "not code"
BAD_LABEL = "label out of range"
DUPLICATE_ID = "duplicate id"
BAD_FIELD = "malformed row"
MISSING_PAIR_ID = "pair names a missing id"
SKIPPED_PAIR_ID = "pair names a skipped function"
MALFORMED_PAIR = "malformed pair line"
TOO_LONG = "code too long"

# Reasons a row is loaded but flagged (also listed in Example.meta["flags"]).
NON_UTF8 = "non-UTF-8 bytes replaced"


@dataclass(frozen=True)
class SkippedRow:
    """A row that was not loaded: where it is (file, 1-based line or row) and why."""

    source: str
    line: int
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f": {self.detail}" if self.detail else ""
        return f"{self.source}:{self.line}: {self.reason}{extra}"


@dataclass(frozen=True)
class FlaggedRow:
    """A row that was loaded with a caveat (bytes replaced)."""

    source: str
    line: int
    example_id: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f": {self.detail}" if self.detail else ""
        return f"{self.source}:{self.line}: {self.reason} (example {self.example_id}){extra}"


@dataclass
class LoadResult:
    """Loaded examples plus the rows skipped and flagged on the way.

    `n_valid` counts the examples that passed every check before `limit` sampling, so
    `n_valid - len(examples)` were left out by sampling, not by a problem. `format` is the
    format that was used (the detected one when "auto" was asked).
    """

    examples: list[Example]
    skipped: list[SkippedRow] = field(default_factory=list)
    flagged: list[FlaggedRow] = field(default_factory=list)
    format: str = ""
    n_valid: int = 0

    def skip_counts(self) -> dict[str, int]:
        """Number of skipped rows per reason, most frequent first."""
        return dict(Counter(row.reason for row in self.skipped).most_common())

    def flag_counts(self) -> dict[str, int]:
        """Number of flagged rows per reason, most frequent first."""
        return dict(Counter(row.reason for row in self.flagged).most_common())

    def label_counts(self) -> dict[int | None, int]:
        """Number of loaded examples per label (None = unlabelled)."""
        counts = Counter(example.label for example in self.examples)
        return {label: counts[label] for label in sorted(counts, key=lambda x: (x is None, x))}
