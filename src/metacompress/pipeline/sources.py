"""Stage 1: the examples of a run, from the data section of its config."""

from __future__ import annotations

from typing import Any


def load_data(data: dict[str, Any], task: str, seed: int) -> Any:
    """A `LoadResult` for the config's `data` section (see `metacompress.pipeline.config`),
    through `metacompress.data.loaders.load_examples` with the run seed (the `synth` format
    generates `n` examples from it)."""
    from metacompress.data.loaders import load_examples

    options = {k: data[k] for k in ("columns", "pairs", "split", "n") if data.get(k) is not None}
    return load_examples(
        data.get("path"), task, format=data["format"], limit=data.get("limit"), seed=seed, **options
    )
