"""Stage 1: the examples of a run, from the data section of its config."""

from __future__ import annotations

from typing import Any

from metacompress.pipeline.config import SYNTH


def load_data(data: dict[str, Any], task: str, seed: int) -> Any:
    """A `LoadResult` for the config's `data` section (see `metacompress.pipeline.config`).

    Format "synth" generates `n` examples with the built-in generator (seeded by the run seed)
    and then draws the `limit` sample like every loader does; any other format goes through
    `metacompress.data.loaders.load_examples`.
    """
    from metacompress.data.result import LoadResult
    from metacompress.data.sampling import stratified_sample

    limit = data.get("limit")
    if data["format"] == SYNTH:
        from metacompress.data.synth import generate

        examples = list(generate(task, data["n"], seed))
        return LoadResult(stratified_sample(examples, limit, seed), format=SYNTH,
                          n_valid=len(examples))  # fmt: skip
    from metacompress.data.loaders import load_examples

    options = {k: data[k] for k in ("columns", "pairs", "split") if data.get(k) is not None}
    return load_examples(
        data["path"], task, format=data["format"], limit=limit, seed=seed, **options
    )
