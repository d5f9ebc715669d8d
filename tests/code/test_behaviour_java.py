"""Behaviour preservation on Java programs: every Java transformation, several seeds.

The programs in java_programs/ are small deterministic Java programs written to exercise what
transformations get wrong: loops with continue/break, labelled loops, nested scopes and
shadowing, fields beside locals of the same name, lambdas, anonymous and inner classes,
try/catch/finally, old and new switch, compound assignment on byte/short/char, string
concatenation, overloading, constructor chaining. Each transformation (renamings included) is
applied to each whole program at several seeds; every distinct result is compiled with javac
and run, and must print exactly what the original prints. Counts are printed (pytest -s).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from metacompress.code.behaviour import run_java_programs, same_behaviour
from metacompress.code.transform import TRANSFORMS

pytestmark = pytest.mark.skipif(
    shutil.which("javac") is None or shutil.which("java") is None, reason="no JDK installed"
)

PROGRAMS = Path(__file__).parent / "java_programs"


def java_transformations() -> list[str]:
    return [e.name for e in TRANSFORMS.entries() if "java" in e.meta.get("languages", ())]


def load_programs() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(PROGRAMS.glob("*.java"))}


@dataclass
class Tally:
    applied: int = 0
    not_applicable: int = 0
    compiled: int = 0
    identical: int = 0
    failures: list[str] = field(default_factory=list)


def check_programs(
    workdir: Path, seeds: tuple[int, ...], params: dict[str, dict] | None = None
) -> dict[str, Tally]:
    """Transform every program with every Java transformation at each seed, run all distinct
    results in one batch, and compare each with its original."""
    programs = load_programs()
    variants: dict[str, str] = {f"orig_{name}": code for name, code in programs.items()}
    owners: dict[str, list[tuple[str, str, int]]] = {}
    seen: dict[str, str] = {}
    tallies = {name: Tally() for name in java_transformations()}
    for name, tally in tallies.items():
        transformation = TRANSFORMS.create(name, **(params or {}).get(name, {}))
        for program, code in programs.items():
            for seed in seeds:
                result = transformation.apply(code, "java", seed)
                if not result.applicable:
                    tally.not_applicable += 1
                    assert result.reason, f"{name} gave no reason on {program}"
                    continue
                tally.applied += 1
                key = seen.get(result.code)
                if key is None:
                    key = seen[result.code] = f"v{len(seen)}"
                    variants[key] = result.code
                owners.setdefault(key, []).append((name, program, seed))
    outcomes = run_java_programs(variants, workdir, timeout=10, jobs=2)
    for program in programs:
        assert outcomes[f"orig_{program}"].ran, outcomes[f"orig_{program}"].message
    for key, uses in owners.items():
        outcome = outcomes[key]
        for name, program, seed in uses:
            tally = tallies[name]
            where = f"{name} on {program} (seed {seed})"
            if not outcome.ran:
                tally.failures.append(f"{where}: {outcome.status}\n{outcome.message[:1500]}")
                continue
            tally.compiled += 1
            if same_behaviour(outcomes[f"orig_{program}"], outcome):
                tally.identical += 1
            else:
                tally.failures.append(f"{where}: output differs\n{variants[key][:3000]}")
    print()
    for name, tally in tallies.items():
        print(
            f"{name:30s} applied={tally.applied:4d} not-applicable={tally.not_applicable:4d} "
            f"compiled={tally.compiled:4d} identical={tally.identical:4d}"
        )
    return tallies


def _assert_preserved(tallies: dict[str, Tally], minimum: int) -> None:
    failures = [f for t in tallies.values() for f in t.failures]
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:3])
    short = {n: t.applied for n, t in tallies.items() if t.applied < minimum}
    assert not short, f"too few applications: {short}"


def test_there_are_at_least_30_java_programs() -> None:
    assert len(load_programs()) >= 30


def test_java_behaviour_is_preserved(tmp_path: Path) -> None:
    _assert_preserved(check_programs(tmp_path, seeds=(0,)), minimum=3)


@pytest.mark.slow
def test_java_behaviour_is_preserved_at_many_seeds_and_sites(tmp_path: Path) -> None:
    sites = {
        name: {"max_sites": 50}
        for name in java_transformations()
        if "max_sites" in {f for f in TRANSFORMS.get(name).__dataclass_fields__}
    }
    _assert_preserved(check_programs(tmp_path / "default", seeds=(1, 2, 3, 4)), minimum=10)
    _assert_preserved(check_programs(tmp_path / "all", seeds=(0, 1), params=sites), minimum=10)
