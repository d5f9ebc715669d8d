"""Small learnable data sets and a tiny trained teacher shared by the distillation tests.

Vulnerability: short C functions with random names and filler statements; label 1 when the
function copies with an unbounded call (strcpy, gets, sprintf), 0 when it uses the bounded
counterpart. Clone: pairs of Java methods; label 1 when both compute the same operation.
"""

from __future__ import annotations

import random

import pytest
import torch

from metacompress.data.types import Example

UNSAFE = ("strcpy({dst}, {src});", "gets({dst});", 'sprintf({dst}, "%s", {src});')
SAFE = (
    "strncpy({dst}, {src}, sizeof({dst}) - 1);",
    "fgets({dst}, sizeof({dst}), stdin);",
    'snprintf({dst}, sizeof({dst}), "%s", {src});',
)
NAMES = ("buf", "data", "item", "node", "value", "ctx", "len", "count", "tmp", "ptr", "size")


def _name(rng: random.Random) -> str:
    return rng.choice(NAMES) + rng.choice(("", "_", "2", "x", "_in"))


def c_function(rng: random.Random, label: int) -> str:
    fn, dst, src, k = f"handle_{_name(rng)}", _name(rng) + "buf", _name(rng), _name(rng)
    call = rng.choice(UNSAFE if label else SAFE).format(dst=dst, src=src)
    filler = [
        f"int {k} = {rng.randint(0, 99)};",
        f"if ({k} > {rng.randint(1, 9)}) {{ {k}--; }}",
        f"for (int i = 0; i < {k}; i++) {{ total += i; }}",
        f"{k} = {k} * 2 + 1;",
    ]
    rng.shuffle(filler)
    body = "\n    ".join(filler[: rng.randint(1, 4)] + [call] + filler[4:])
    return (
        f"int {fn}(char *{src}, int total) {{\n    char {dst}[64];\n    int {k} = 0;\n"
        f"    {body}\n    return total + {k};\n}}"
    )


def vulnerability_examples(n: int, seed: int, prefix: str = "v") -> list[Example]:
    rng = random.Random(seed)
    return [Example(f"{prefix}{i}", (c_function(rng, i % 2),), i % 2) for i in range(n)]


def java_method(rng: random.Random, op: str) -> str:
    a, b = _name(rng), _name(rng) + "2"
    body = {
        "sum": f"return {a} + {b};",
        "max": f"return {a} > {b} ? {a} : {b};",
        "mul": f"return {a} * {b};",
    }[op]
    return f"public int {op}{rng.randint(0, 9)}(int {a}, int {b}) {{\n    {body}\n}}"


def clone_examples(n: int, seed: int) -> list[Example]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        op1 = rng.choice(("sum", "max", "mul"))
        op2 = op1 if i % 2 else rng.choice([o for o in ("sum", "max", "mul") if o != op1])
        out.append(Example(f"c{i}", (java_method(rng, op1), java_method(rng, op2)), i % 2))
    return out


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def vuln_data():
    """(teacher training, unlabelled, validation) examples of the vulnerability task."""
    return (
        vulnerability_examples(160, 1, "t"),
        vulnerability_examples(240, 2, "u"),
        vulnerability_examples(80, 3, "d"),
    )


@pytest.fixture(scope="session")
def tiny_teacher(tmp_path_factory, vuln_data):
    """A tiny teacher trained on the vulnerability data; returns its spec path."""
    from metacompress.distill.teacher import train_teacher

    torch.set_num_threads(1)
    train, _, valid = vuln_data
    out = tmp_path_factory.mktemp("teacher")
    return train_teacher(
        train,
        valid,
        "vulnerability",
        out,
        preset="tiny",
        mlm_pretrain=True,
        epochs=6,
        learning_rate=1e-3,
        mlm_epochs=1,
        max_length=96,
        seed=0,
    )
