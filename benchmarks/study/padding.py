"""Padded tokens of a run's inference, three ways of cutting the same unique inputs.

    python benchmarks/study/padding.py RUN_DIR MODEL_FOLDER [--batch 32] [--chunk 256]

The engine pads each batch to its longest input (`models.engine`), so a model's work grows
with sum over batches of (batch size x longest token length). For the unique inputs of the
run at RUN_DIR, with the token lengths of the model at MODEL_FOLDER (its `token_lengths`):
- one call: every input sorted by tokens, cut into batches (the lower bound's batches);
- chunks by characters: the inputs in the store's character-length order, cut into chunks of
  `--chunk`, each chunk sorted by tokens and cut into batches (the runner before `token_sorted`);
- chunks by tokens: `pipeline.inference.token_sorted`'s order, then the same chunks (now).
Prints the padded tokens of each and their excess over one call. Deterministic: no timing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def padded_tokens(lengths: list[int], batch: int) -> int:
    """Tokens of `lengths` sorted and cut into batches of `batch`, each padded to its longest."""
    ordered = sorted(lengths)
    return sum(len(part) * max(part) for part in
               (ordered[i : i + batch] for i in range(0, len(ordered), batch)))  # fmt: skip


def chunked(lengths: list[int], batch: int, chunk: int) -> int:
    """`padded_tokens` of each chunk of `chunk` consecutive inputs, summed."""
    return sum(padded_tokens(lengths[i : i + chunk], batch) for i in range(0, len(lengths), chunk))


def main() -> None:
    from metacompress.models import load_model
    from metacompress.pipeline.inference import token_sorted
    from metacompress.rundir import queries
    from metacompress.rundir.store import RunStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("model", type=Path)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--chunk", type=int, default=256)
    args = parser.parse_args()
    model = load_model(args.model)
    with RunStore(args.run_dir) as store:
        by_characters = queries.pending_inputs(store, "no model")  # every unique input

        def read(rowids):
            return [inputs for _, inputs in queries.inputs_of(store, rowids)]

        by_tokens = token_sorted(model, by_characters, read)
        every = model.token_lengths(read(by_characters))
        lengths = dict(zip(by_characters.tolist(), every, strict=True))
    one_call = padded_tokens(list(lengths.values()), args.batch)
    report = {"inputs": len(lengths), "tokens": sum(lengths.values()), "one call": one_call}
    for name, order in (("chunks by characters", by_characters), ("chunks by tokens", by_tokens)):
        tokens = chunked([lengths[r] for r in order.tolist()], args.batch, args.chunk)
        report[name] = tokens
        report[f"{name}: excess %"] = round(100 * (tokens / one_call - 1), 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
