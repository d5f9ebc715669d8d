"""One registered transformation applied to one piece of code, by name."""

from __future__ import annotations

from typing import Any


def transform(code: str, name: str, lang: str, seed: int = 0, **params: Any) -> Any:
    """Apply the transformation `name` (`metacompress list transforms`), built with `params`,
    to `code` in `lang` ("c" or "java") with `seed`: an `Applied` (`.code`, `.edits`) or a
    `NotApplicable` (`.reason`)."""
    from metacompress.code.transform import TRANSFORMS

    return TRANSFORMS.create(name, **params).apply(code, lang, seed)
