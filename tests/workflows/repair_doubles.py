"""A trainable student that departs from its teacher on one planted pattern (repair tests).

The teacher is a rule: a short C function that copies with an unbounded call (strcpy, gets)
is vulnerable (P = 0.9), one with the bounded counterpart (strncpy, fgets) is not (P = 0.1).
No operator of the deviation search changes a call, so the teacher answers every variant of a
function as it answers the function. The student is a tiny RoBERTa distilled on the teacher's
soft labels for the functions, and on the *opposite* labels for copies of them holding a
dead branch `if (0) { ... }` (what the catalogue's `insert-dead-branch` inserts): it agrees
with the teacher on clean functions and departs from it where a dead branch is in the code.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np

from metacompress.data.types import Example
from metacompress.models import CallableClassifier

UNSAFE = ("strcpy({dst}, {src});", "gets({dst});")
SAFE = ("strncpy({dst}, {src}, sizeof({dst}) - 1);", "fgets({dst}, sizeof({dst}), stdin);")
WORDS = ("name", "line", "path", "text", "word", "key", "host", "user")


def copy_function(rng: random.Random, unsafe: bool) -> str:
    word = rng.choice(WORDS)
    dst, src, n = f"{word}_buf", f"in_{word}", rng.choice(("n", "len", "count", "size"))
    call = rng.choice(UNSAFE if unsafe else SAFE).format(dst=dst, src=src)
    extra = rng.choice((f"{n} = {n} + 1;", f"{n} *= 2;", f"if ({n} > 8) {{ {n} = 8; }}"))
    return (
        f"int read_{word}{rng.randint(0, 99)}(char *{src}, int {n}) {{\n"
        f"    char {dst}[32];\n    {extra}\n    {call}\n    return {n};\n}}\n"
    )


def copy_examples(n: int, seed: int, prefix: str) -> list[Example]:
    rng = random.Random(seed)
    return [Example(f"{prefix}{i}", (copy_function(rng, i % 2 == 1),), i % 2) for i in range(n)]


def rule_teacher(batch):
    """P(vulnerable) = 0.9 with an unbounded copy, 0.1 otherwise."""
    unsafe = [("strcpy(" in b[0]) or ("gets(" in b[0] and "fgets(" not in b[0]) for b in batch]
    return np.array([[0.1, 0.9] if u else [0.9, 0.1] for u in unsafe])


def teacher() -> CallableClassifier:
    return CallableClassifier(rule_teacher, "rule-teacher")


def with_dead_branch(example: Example, seed: int) -> Example | None:
    from metacompress.code.transform import TRANSFORMS

    result = TRANSFORMS.create("insert-dead-branch").apply(example.inputs[0], "c", seed)
    if not result.applicable:
        return None
    return replace(example, id=f"{example.id}#dead", inputs=(result.code,))


def train_planted_student(out: Path, examples: list[Example], epochs: int, seed: int = 0) -> Path:
    """Distil the planted student (see the module docstring); returns its spec."""
    from metacompress.distill.pipeline import DistillJob
    from metacompress.distill.spec import save_classifier
    from metacompress.distill.student import StudentConfig

    probs = rule_teacher([e.inputs for e in examples])
    planted = [v for i, e in enumerate(examples) if (v := with_dead_branch(e, i)) is not None]
    flipped = rule_teacher([v.inputs for v in planted])[:, ::-1]
    data = examples + planted
    job = DistillJob(
        "vulnerability", data, examples, np.concatenate([probs, flipped]), probs, out / "job", seed
    )
    config = StudentConfig(
        vocab_size=300, num_layers=1, hidden_size=32, intermediate_size=64, num_heads=4,
        max_length=128, learning_rate=3e-3, batch_size=16,
    )  # fmt: skip
    trained = job.train_student(config, epochs, "kl", 1.0, train=(data, job.probs))
    return save_classifier(out / "student", trained.model, trained.tokenizer, "vulnerability", 128)
