import random
from dataclasses import dataclass

from metacompress.code.batch import Input, apply_times, transformations, variant_rows
from metacompress.code.parsing import parse
from metacompress.code.transform import TRANSFORMS, Applied, NotApplicable, Transformation

CODE = "int f(int a) { int b = a + 1; if (b > 2) { b--; } else { b++; } return b; }\n"


@dataclass(frozen=True)
class Broken(Transformation):
    """A transformation with a bug: it raises."""

    languages = frozenset({"c"})

    def _edits(self, parsed, rng: random.Random):
        raise RuntimeError("bug")


def test_rows_cover_every_input_transformation_and_seed_and_record_errors():
    chosen = {**transformations(["swap-if-else", "rename-locals"]), "broken": Broken()}
    inputs = [Input("a", CODE, "c"), Input("b", "", "c", "cannot read b"), Input("c", "x", "go")]
    rows = list(variant_rows(inputs, chosen, [0, 1], times=1))
    assert [(r["input"], r.get("transform"), r.get("seed")) for r in rows] == [
        ("a", name, seed) for name in chosen for seed in (0, 1)
    ] + [("b", None, None), ("c", None, None)]
    assert [r["error"] for r in rows[-3:]] == [
        "RuntimeError: bug",
        "cannot read b",
        "language must be one of ['c', 'java'], got 'go'",
    ]
    for row in rows[:4]:
        expected = TRANSFORMS.create(row["transform"]).apply(CODE, "c", row["seed"])
        assert row["applied"] and row["code"] == expected.code


def test_apply_times_chains_seeds_and_names_the_failing_step():
    rename = TRANSFORMS.create("rename-locals")
    twice = apply_times(rename, parse(CODE, "c"), 3, 2)
    once = rename.apply(rename.apply(CODE, "c", 3).code, "c", 4)
    assert isinstance(twice, Applied) and twice.code == once.code
    assert twice.steps == ("rename-locals", "rename-locals") and len(twice.step_edits) == 2
    swap = TRANSFORMS.create("merge-declarations")
    code = "void f() { int a = 1; int b = 2; }"
    result = apply_times(swap, parse(code, "c"), 0, 2)
    assert isinstance(result, NotApplicable) and result.reason.endswith("(step 2 of 2)")


def test_all_transformations_skip_other_languages():
    rows = list(variant_rows([Input("j", "int f() { return 1; }", "java")],
                             transformations(None), [0], all_names=True))  # fmt: skip
    java = {e.name for e in TRANSFORMS.entries() if "java" in e.meta["languages"]}
    assert {r["transform"] for r in rows} == java
