"""Write the demo's distillation and validation data, as `metacompress demo` splits them.

    python benchmarks/repair/demo_data.py --out DIR [--seed 0]

DIR gets `distill.jsonl` (the unlabelled functions the demo's student was distilled on) and
`valid.jsonl` (the demo's validation functions), for `bench_repair.py --data` and `--valid`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from metacompress.data.export import write_jsonl
    from metacompress.distill.api import split_labelled_unlabelled
    from metacompress.workflows import demo

    train, valid, _ = demo._split(args.seed)
    _, unlabelled = split_labelled_unlabelled(train, seed=args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(unlabelled[: demo.N_UNLABELLED], out / "distill.jsonl", demo.TASK)
    write_jsonl(valid, out / "valid.jsonl", demo.TASK)


if __name__ == "__main__":
    main()
