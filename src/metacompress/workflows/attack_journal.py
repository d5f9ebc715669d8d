"""The results of an attack or a deviation search kept line by line as they are found, so an
interrupted `metacompress attack` loses none of them and the next call with the same settings
goes on.

A journal is one JSON-lines file per attacked model (one for a deviation search). Its first
line is the header: the attack, its parameters, the seed, the fingerprint of the model (both
models' for a search) and a digest of the example ids in order.
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


def open_journal(
    path: str | Path,
    method: Any,
    seed: int,
    fingerprint: str,
    examples: Sequence[Example],
    result_type: type | None = None,
) -> AttackJournal:
    """The journal at `path` of the registered attack or search `method` (its name and
    parameters go into the header) run with `seed` on the model(s) of `fingerprint`."""
    from metacompress.registry import get_params

    header = journal_header(method.name, get_params(method), seed, fingerprint, examples)
    return AttackJournal(path, header, result_type)


class AttackJournal:
    """One model's journal at `path`: `done` holds the results kept from an earlier call,
    `write(result)` appends one, `torn` counts the cut lines dropped on reopening. Results are
    `result_type` (default `AttackResult`; a deviation search's are `DeviationResult`), read
    back with its `from_dict`."""

    def __init__(
        self, path: str | Path, header: Mapping[str, Any], result_type: type | None = None
    ) -> None:
        from metacompress.attacks.base import AttackResult

        result_type = result_type or AttackResult
        self.path = Path(path)
        self.done: dict[str, Any] = {}
        self.torn = 0
        header_line = json.dumps(dict(header), sort_keys=True)
        kept: list[str] = []
        if self.path.exists():
            lines = self.path.read_text(encoding="utf-8").split("\n")
            if lines and lines[0] == header_line:
                for line in lines[1:]:
                    try:
                        result = result_type.from_dict(json.loads(line))
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

    def resumed(self) -> dict[str, int]:
        """What summary.json records of this journal: results kept, cut lines dropped."""
        return {"results": len(self.done), "torn_lines": self.torn}

    def write(self, result: Any) -> None:
        """Append `result` and flush it to the file."""
        self._handle.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()
