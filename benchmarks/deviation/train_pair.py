"""Train a small teacher-student pair on BigCloneBench for the deviation and repair benchmarks.

    python benchmarks/deviation/train_pair.py --out /tmp/mc-bcb-pair [--train 2000]
        [--unlabelled 2000] [--valid 200] [--test 400] [--max-length 256] [--size-mb 0.25]

The teacher is the `tiny` preset (`metacompress.distill.train_teacher`), trained on a seeded
stratified sample of `train.txt` (labelled pairs); the student is a Compressor student
(`metacompress.distill.distill`, budget `tiny`) of `--size-mb` MB distilled on a sample of
`train_unlabeled.txt` with the teacher's soft labels. OUT gets `teacher/`, `student/` and
`data/` (the pair files of the samples, `test.txt` and `repair.txt` from `test.txt` and the
rest of `train_unlabeled.txt`), each model as a spec the model layer loads. A step whose
result is there already is not redone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(
    os.environ.get("METACOMPRESS_SHARED_DATA", HERE.parents[1] / ".." / "shared" / "data")
)


def sample_pairs(source: Path, target: Path, n: int, seed: int, skip: set[str] = frozenset()):
    """Write a seeded sample of `n` lines of a pair file (lines in `skip` left out)."""
    lines = [line for line in source.read_text().splitlines() if line and line not in skip]
    random.Random(seed).shuffle(lines)
    target.write_text("\n".join(lines[:n]) + "\n")
    return set(lines[:n])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--unlabelled", type=int, default=2000)
    parser.add_argument("--valid", type=int, default=200)
    parser.add_argument("--test", type=int, default=400)
    parser.add_argument("--repair", type=int, default=400)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--size-mb", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch

    from metacompress.data.loaders import load_examples
    from metacompress.distill.api import distill, train_teacher

    torch.set_num_threads(1)
    bcb = SHARED / "bigclonebench"
    out = Path(args.out)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    sample_pairs(bcb / "train.txt", data / "train.txt", args.train, args.seed)
    used = sample_pairs(bcb / "train_unlabeled.txt", data / "unlabelled.txt", args.unlabelled, 1)
    sample_pairs(bcb / "train_unlabeled.txt", data / "repair.txt", args.repair, 2, skip=used)
    sample_pairs(bcb / "valid.txt", data / "valid.txt", args.valid, args.seed)
    sample_pairs(bcb / "test.txt", data / "test.txt", args.test, args.seed)

    def load(name: str):
        return load_examples(bcb / "data.jsonl.xz", "clone", pairs=data / f"{name}.txt").examples

    teacher = out / "teacher" / "metacompress-model.yaml"
    if not teacher.is_file():
        teacher = train_teacher(
            load("train"), load("valid"), "clone", teacher.parent, preset="tiny",
            seed=args.seed, max_length=args.max_length,
        )  # fmt: skip
    student = out / "student" / "metacompress-model.yaml"
    if not student.is_file():
        result = distill(
            "compressor", teacher, load("unlabelled"), load("valid"), "clone",
            out / "distill", size_mb=args.size_mb, budget="tiny", seed=args.seed,
            max_length=args.max_length,
        )  # fmt: skip
        (out / "student").symlink_to(result.student_dir.resolve())
        print(json.dumps(result.metrics.get("student", {}), indent=1))
    print(f"teacher: {teacher}\nstudent: {student}")


if __name__ == "__main__":
    main()
