"""The renaming attacks (MHM, WIR-Random, ALERT): flips, validity, budgets, reproducibility."""

from __future__ import annotations

import re

import pytest
from attack_doubles import BUF_CODE, JAVA_A, JAVA_B, PLAIN_CODE, CountingVictim, name_detector

from metacompress.attacks import ATTACKS, summarize
from metacompress.attacks.identifiers import RenameSurface, identifier_vocabulary
from metacompress.code.edits import apply_edits
from metacompress.code.parsing import count_errors
from metacompress.code.rename import alpha_renaming_problems
from metacompress.data.types import Example

RENAMING = ["mhm", "wir-random", "alert"]


def make(name: str, tiny_mlm, **params):
    if name == "alert":
        params.setdefault("mlm", str(tiny_mlm))
    return ATTACKS.create(name, **params)


def assert_valid(result, example, lang):
    """The adversarial example is an alpha-renaming of the original that parses no worse,
    and its edits reproduce it."""
    assert result.adversarial_inputs is not None
    for original, adversarial, edits in zip(
        example.inputs, result.adversarial_inputs, result.edits, strict=True
    ):
        assert apply_edits(original, edits) == adversarial
        assert count_errors(adversarial, lang) <= count_errors(original, lang)
        assert alpha_renaming_problems(original, adversarial, lang) == []


@pytest.mark.parametrize("name", RENAMING)
def test_each_renaming_attack_flips_a_victim_that_depends_on_one_name(
    name, tiny_mlm, buf_victim, buf_examples
):
    budget = 300
    results = make(name, tiny_mlm, budget=budget).run(buf_examples, buf_victim, "c", seed=3)
    by_id = {r.example_id: r for r in results}
    hit = by_id["buf"]
    assert hit.status == "success", hit.reason
    assert hit.final_prediction == 0 and hit.original_prediction == 1
    assert "buf" in {old for _, old, _ in hit.renamings}
    assert not re.search(r"\bbuf\b", hit.adversarial_inputs[0])
    assert_valid(hit, buf_examples[0], "c")
    assert all(r.queries <= budget for r in results)
    assert by_id["plain-wrong"].status == "skipped"
    assert by_id["plain-wrong"].reason.startswith("misclassified")
    assert by_id["plain-wrong"].queries == 1
    assert by_id["unlabelled"].reason == "unlabelled"
    assert by_id["unlabelled"].queries == 0


@pytest.mark.parametrize("name", RENAMING)
def test_budgets_are_never_exceeded(name, tiny_mlm, buf_examples):
    """Each example alone, with a victim that says "vulnerable" for everything it has not
    seen changed; the unique inputs it is asked never exceed the budget."""
    for budget in (2, 5, 17):
        for example in buf_examples[:4]:
            victim = CountingVictim(name_detector("total"))
            attack = make(name, tiny_mlm, budget=budget, batch_size=4)
            (result,) = attack.run([example], victim, "c", seed=0)
            asked = set(victim.inputs)
            assert len(asked) == result.queries <= budget


@pytest.mark.parametrize("name", RENAMING)
def test_results_are_reproducible_and_independent_of_the_engine(name, tiny_mlm, buf_examples):
    victim = CountingVictim(name_detector("buf"))
    attack = make(name, tiny_mlm, budget=60)
    first = attack.run(buf_examples, victim, "c", seed=11)
    again = attack.run(buf_examples, CountingVictim(name_detector("buf")), "c", seed=11)
    plain = make(name, tiny_mlm, budget=60, max_active=1, memo=False)
    sequential = plain.run(buf_examples, CountingVictim(name_detector("buf")), "c", seed=11)
    assert [r.to_dict() for r in first] == [r.to_dict() for r in again]
    assert [r.to_dict() for r in first] == [r.to_dict() for r in sequential]


def test_mhm_seeds_change_the_search():
    victim = CountingVictim(name_detector("total"))
    examples = [Example("buf", (BUF_CODE,), 1)]
    found = {
        ATTACKS.create("mhm").run(examples, victim, "c", seed=seed)[0].adversarial_inputs
        for seed in range(4)
    }
    assert len(found) > 1


def test_a_failed_search_reports_its_reason_and_best_state(tiny_mlm):
    """A victim that no renaming can fool: every attack fails, within budget."""

    def stubborn(batch):
        return [[0.2, 0.8] for _ in batch]

    examples = [Example("buf", (BUF_CODE,), 1)]
    for name in RENAMING:
        victim = CountingVictim(stubborn)
        (result,) = make(name, tiny_mlm, budget=40).run(examples, victim, "c", seed=0)
        assert result.status == "failed"
        assert result.reason
        assert result.queries <= 40
        assert result.final_probs == result.original_probs


def test_no_renamable_identifiers_is_a_skip():
    examples = [Example("none", ("int f(void) { return 1; }",), 0)]
    victim = CountingVictim(name_detector("buf"))
    (result,) = ATTACKS.create("mhm").run(examples, victim, "c", seed=0)
    assert result.status == "skipped"
    assert result.reason == "no renamable identifiers"


@pytest.mark.parametrize("perturb", ["first", "both"])
def test_clone_pairs_perturb_one_side_or_both(perturb, tiny_mlm):
    """The victim says "clone" while `buf` occurs on either side: P(clone) = 0.3 + 0.3 per
    side that uses it."""

    def fn(batch):
        p = [0.3 + 0.3 * sum("buf" in code for code in b) for b in batch]
        return [[1 - q, q] for q in p]

    pair = (JAVA_A, re.sub(r"\bacc\b", "buf", JAVA_B))
    examples = [Example("pair", pair, 1)]
    for name in RENAMING:
        attack = make(name, tiny_mlm, budget=400, perturb=perturb)
        (result,) = attack.run(examples, CountingVictim(fn), "java", seed=0)
        if perturb == "first":
            assert result.status == "failed", name
            assert {side for side, _, _ in result.renamings} <= {0}
        else:
            assert result.status == "success", (name, result.reason)
            assert {side for side, _, _ in result.renamings} == {0, 1}
            assert_valid(result, examples[0], "java")


def test_summary_of_a_run(buf_victim, buf_examples):
    results = ATTACKS.create("wir-random").run(buf_examples, buf_victim, "c", seed=0)
    summary = summarize(results, "vulnerability")
    assert summary.skip_reasons == {"misclassified": 1, "unlabelled": 1}
    assert summary.attacked == summary.succeeded + summary.failed == 3
    assert summary.clean == pytest.approx(3 / 4)


def test_surface_and_vocabulary():
    example = Example("p", (PLAIN_CODE,), 0)
    surface = RenameSurface.build(example, "c", [0])
    assert isinstance(surface, RenameSurface)
    assert [name for _, name in surface.idents] == ["a", "b", "c", "d"]
    assert surface.can_use((0, "a"), "alpha", {})
    assert not surface.can_use((0, "a"), "b", {})
    assert not surface.can_use((0, "a"), "alpha", {(0, "b"): "alpha"})
    assert surface.render({(0, "a"): "x", (0, "b"): "x"}) is None
    rendered = surface.render({(0, "a"): "x"})
    assert rendered is surface.render({(0, "a"): "x", (0, "b"): "b"})
    assert "add_twice" in identifier_vocabulary([example], "c")


def test_an_example_that_breaks_the_code_layer_is_recorded_not_fatal(
    monkeypatch, buf_victim, buf_examples
):
    build = RenameSurface.build.__func__
    render = RenameSurface.render

    def failing_build(cls, example, lang, sides):
        if example.id == "plain-right":
            raise RuntimeError("cannot analyse")
        return build(cls, example, lang, sides)

    def failing_render(self, mapping):
        if self.example.id == "loop":
            raise RuntimeError("cannot render")
        return render(self, mapping)

    monkeypatch.setattr(RenameSurface, "build", classmethod(failing_build))
    monkeypatch.setattr(RenameSurface, "render", failing_render)
    results = ATTACKS.create("mhm", budget=300).run(buf_examples, buf_victim, "c", seed=3)
    by_id = {r.example_id: r for r in results}
    assert by_id["plain-right"].status == "skipped"
    assert by_id["plain-right"].reason == "error: RuntimeError: cannot analyse"
    assert by_id["loop"].status == "skipped"
    assert by_id["loop"].reason == "error: RuntimeError: cannot render"
    assert by_id["buf"].status == "success"
    summary = summarize(results, "vulnerability")
    assert summary.skip_reasons["error"] == 2
