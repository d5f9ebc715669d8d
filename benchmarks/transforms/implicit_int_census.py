"""How many C functions of a corpus tree-sitter-c reads with errors, what the implicit-int
normalisation (`metacompress.code.implicit_int`) does for them, and how many become
transformable.

    python benchmarks/transforms/implicit_int_census.py --corpus devign-test

For every function: the error nodes of the plain parse (`parse(..., implicit_int=False)`) and
of `parse` (which inserts `int ` before implicit-int and K&R heads when that parses better).
Printed: functions with errors, functions normalised, of those how many now parse without
errors, and their error nodes before and after. Then, for the normalised functions (the only
ones whose answers can change), every C transformation with seed 0 on the plain parse
("before") and on the normalised one ("now", what `apply` does): the (function,
transformation) answers that apply, and the functions to which at least one transformation
applies. Both use `Transformation.apply_parsed`, so they differ only in the parse of the input.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("METACOMPRESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORPORA = {
    "devign-test": "devign/test.jsonl.xz",
    "devign-valid": "devign/valid.jsonl.xz",
    "devign-train": "devign/train.jsonl.xz",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="devign-test")
    parser.add_argument("--n", type=int, default=None, help="first N functions")
    args = parser.parse_args()

    from metacompress.code.parsing import parse
    from metacompress.code.transform import TRANSFORMS, Applied

    with lzma.open(SHARED / CORPORA[args.corpus], "rt", encoding="utf-8") as handle:
        funcs = [json.loads(line)["func"] for line in handle][: args.n]
    counts: Counter[str] = Counter()
    normalised = []
    for code in funcs:
        plain = parse(code, "c", implicit_int=False)
        if not plain.error_count:
            continue
        counts["errors"] += 1
        parsed = parse(code, "c")
        if parsed.inserted:
            normalised.append((plain, parsed))
            counts["clean"] += parsed.error_count == 0
            counts["error nodes before"] += plain.error_count
            counts["error nodes after"] += parsed.error_count
    print(f"{len(funcs)} functions of {args.corpus}; {counts['errors']} with parse errors")
    print(
        f"normalised (implicit-int or K&R heads): {len(normalised)}, of which now "
        f"error-free: {counts['clean']}; their error nodes: {counts['error nodes before']} "
        f"before, {counts['error nodes after']} after"
    )

    transforms = [
        TRANSFORMS.create(entry.name)
        for entry in TRANSFORMS.entries()
        if "c" in entry.meta.get("languages", ())
    ]
    applied: Counter[str] = Counter()
    for plain, parsed in normalised:
        for when, tree in (("before", plain), ("now", parsed)):
            hits = sum(isinstance(t.apply_parsed(tree, 0), Applied) for t in transforms)
            applied[when] += hits
            applied[f"{when} functions"] += hits > 0
    answers = len(normalised) * len(transforms)
    print(
        f"{len(transforms)} C transformations, seed 0, on the {len(normalised)} normalised "
        f"functions: {applied['before']} of {answers} answers apply before, {applied['now']} now; "
        f"functions with at least one that applies: {applied['before functions']} before, "
        f"{applied['now functions']} now"
    )


if __name__ == "__main__":
    main()
