"""Clone labels checked by running the code: javac and java on every family and a sample.

All pairs go into one class (`harness.java_program`): a sample of generated pairs, every
implementation of each family against the family's first one (type-4 clones: equal outputs),
and every implementation against each of its mutants (non-clones: some output differs).
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from metacompress.data.synth import generate
from metacompress.data.synth.clones import MethodSpec, draw_names
from metacompress.data.synth.harness import java_input_count, java_program
from metacompress.data.synth.java_methods import FAMILIES
from metacompress.data.synth.style import Style, count_points
from metacompress.data.types import Example


def _spec(rng: random.Random, family, impl: str, mutation: int | None = None) -> MethodSpec:
    spec = MethodSpec(family, impl, {}, "static", Style(), mutation)
    return MethodSpec(
        family, impl, draw_names(rng, family, spec.canonical()), "static", Style(), mutation
    )


def _pair(kind: str, first: MethodSpec, second: MethodSpec, label: int) -> Example:
    meta = {
        "kind": kind,
        "method1": first.names["m"],
        "method2": second.names["m"],
        "signature": first.family.signature,
    }
    return Example(kind, (first.render(), second.render()), label, meta)


def _template_pairs() -> list[Example]:
    rng = random.Random(0)
    pairs = []
    for family in FAMILIES:
        impls = sorted(family.impls)
        base = _spec(rng, family, impls[0])
        for impl in impls:
            original = _spec(rng, family, impl)
            if impl != impls[0]:
                pairs.append(_pair(f"{family.name}/{impls[0]}={impl}", base, original, 1))
            for point in range(count_points(family.impls[impl])):
                mutant = _spec(rng, family, impl, mutation=point)
                pairs.append(_pair(f"{family.name}/{impl}!={point}", original, mutant, 0))
    return pairs


def _run_all(pairs: list[Example], tmp: Path) -> list[tuple[Example, list[tuple[str, str]]]]:
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.skip("javac/java (a JDK) is not installed")
    (tmp / "Main.java").write_text(java_program(pairs))
    build = subprocess.run(
        ["javac", "-nowarn", "-d", str(tmp), str(tmp / "Main.java")], capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr[-3000:]
    run = subprocess.run(
        ["java", "-cp", str(tmp), "Main"], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outputs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for line in run.stdout.splitlines():
        k, _, rest = line.split(" ", 2)
        first, second = rest.split(" | ")
        outputs[int(k)].append((first, second))
    return [(pair, outputs[k]) for k, pair in enumerate(pairs)]


def _agree(rows: list[tuple[str, str]]) -> bool:
    return all(a == b and not a.startswith("EXC") for a, b in rows)


@pytest.fixture(scope="module")
def java_results(tmp_path_factory):
    pairs = generate("clone", 48, seed=5) + _template_pairs()
    return _run_all(pairs, tmp_path_factory.mktemp("javac"))


def test_every_pair_ran_on_all_its_inputs(java_results):
    for pair, rows in java_results:
        assert len(rows) == java_input_count(pair.meta["signature"]), pair.id


def test_clones_agree_on_every_input_without_exceptions(java_results):
    clones = [(p, rows) for p, rows in java_results if p.label == 1]
    assert len(clones) > 60
    for pair, rows in clones:
        assert _agree(rows), (pair.id, pair.meta, rows)


def test_non_clones_differ_on_some_input(java_results):
    others = [(p, rows) for p, rows in java_results if p.label == 0]
    assert len(others) > 80
    for pair, rows in others:
        assert any(a != b for a, b in rows), (pair.id, pair.meta, rows)
    kinds = {p.meta.get("negative") for p, _ in others}
    assert {"different-function", "behaviour-change"} <= kinds


def test_sample_has_every_clone_type(java_results):
    types = {p.meta.get("clone_type") for p, _ in java_results if p.label == 1}
    assert {"type-1", "type-2", "type-3", "type-4"} <= types


@pytest.mark.slow
def test_many_generated_pairs(tmp_path):
    for pair, rows in _run_all(generate("clone", 400, seed=2024), tmp_path):
        assert _agree(rows) == (pair.label == 1), (pair.id, pair.meta, rows)
