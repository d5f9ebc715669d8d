"""The results of an attack kept line by line as they are found, so an interrupted
`metacompress attack` loses none of them and the next call with the same settings goes on.

A journal is one JSON-lines file per attacked model. Its first line is the header: the attack,
its parameters, the seed, the model's fingerprint and a digest of the example ids in order.
Every further line is one `AttackResult.to_dict()`, written and flushed as the result becomes
final. Reopened with the same header, the complete lines are the results already found (a last
line cut by the interruption is dropped, and counted); with another header the journal belongs
to other settings and is started again, so a result never carries over to a run it was not
found in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from metacompress.data.types import Example
from metacompress.errors import ConfigError


def journal_header(
    attack: str, params: Mapping[str, Any], seed: int, fingerprint: str, examples: Sequence[Example]
) -> dict[str, Any]:
    """What a journal's results depend on; results carry over only between equal headers."""
    ids = hashlib.sha256("\n".join(str(e.id) for e in examples).encode("utf-8")).hexdigest()
    return {"journal": 1, "attack": attack, "params": dict(params), "seed": seed,
            "model": fingerprint, "examples": ids}  # fmt: skip


class AttackJournal:
    """One model's journal at `path`: `done` holds the results kept from an earlier call,
    `write(result)` appends one, `torn` counts the cut lines dropped on reopening."""

    def __init__(self, path: str | Path, header: Mapping[str, Any]) -> None:
        from metacompress.attacks.base import AttackResult

        self.path = Path(path)
        self.done: dict[str, AttackResult] = {}
        self.torn = 0
        header_line = json.dumps(dict(header), sort_keys=True)
        kept: list[str] = []
        if self.path.exists():
            lines = self.path.read_text(encoding="utf-8").split("\n")
            if lines and lines[0] == header_line:
                for line in lines[1:]:
                    try:
                        result = AttackResult.from_dict(json.loads(line))
                    except (ValueError, KeyError, TypeError):
                        self.torn += bool(line)
                        continue
                    self.done[result.example_id] = result
                    kept.append(line)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("\n".join([header_line, *kept]) + "\n", encoding="utf-8")
            self._handle: TextIO = self.path.open("a", encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"cannot write the attack journal {self.path}: {error}") from None

    def write(self, result: Any) -> None:
        """Append `result` and flush it to the file."""
        self._handle.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()
