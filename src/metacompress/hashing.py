"""Stable hashes the whole project shares: the content key of an input, and derived seeds.

Both are the same in every process and on every machine (unlike `hash()`), so a cache, a run
store and a resumed run agree on them.

- `input_key(inputs)`: sha256 (hex) of the input tuple as a compact JSON list (UTF-8, no
  escaping of non-ASCII); the key of the run store's ``outputs`` and the identity under which
  attacks deduplicate their queries. A lone surrogate (from data that was not valid UTF-8) is
  hashed through ``surrogatepass``.
- `derive_seed(seed, *parts)`: a 63-bit seed from a seed and the names of a unit of work: the
  first 8 bytes (big-endian) of sha256 of ``str(seed)`` and ``str(part)`` joined by NUL, shifted
  right by one bit. Every derived seed of the project comes from it: a variant unit's
  (example, follow-up), an attack's or a search's per example (attack name, example id).
- `bootstrap_seed(seed, *cell, student=...)`: the seed of one bootstrap of a run's numbers,
  ``derive_seed(seed, "bootstrap", *cell)``, with the student of the teacher-student pair
  appended, except for the student of a run of one pair (named ``student``), whose numbers
  keep the seeds they had before runs could hold several students.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence


def input_key(inputs: Sequence[str]) -> str:
    """Content key of one input tuple: sha256 (hex) of its JSON list (UTF-8, no escaping)."""
    text = json.dumps(list(inputs), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def derive_seed(seed: int, *parts: object) -> int:
    """A 63-bit seed from `seed` and the names of a unit: sha256 of them, NUL-joined."""
    text = "\0".join([str(seed), *(str(p) for p in parts)])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1


#: The student of a run of one pair (`bootstrap_seed` leaves its name out).
DEFAULT_STUDENT = "student"


def bootstrap_seed(seed: int, *cell: object, student: str | None = None) -> int:
    """The seed of the bootstrap of one number of a run (see the module docstring)."""
    pair = () if student in (None, DEFAULT_STUDENT) else (student,)
    return derive_seed(seed, "bootstrap", *cell, *pair)
