"""`repair`: search the training data, distil the teacher's answers on what was found."""

from __future__ import annotations

import json

import pytest
from repair_doubles import (
    copy_examples,
    rule_teacher,
    teacher,
    train_planted_student,
    with_dead_branch,
)

from metacompress.distill.finetune import FinetuneSettings
from metacompress.errors import ConfigError
from metacompress.models import load_model, predict
from metacompress.workflows.repair import (
    RepairSettings,
    repair,
    selection_score,
    validation_ids,
)
from metacompress.workflows.repair_check import evaluate_repair

QUICK = RepairSettings(budget=20, weight=2, finetune=FinetuneSettings(epochs=1))


def test_repair_writes_a_student_and_the_record_of_what_it_trained_on(
    rough_student, train_functions, tmp_path
):
    train = train_functions[:20]
    result = repair(teacher(), rough_student, train, "vulnerability", tmp_path / "s2", QUICK)
    assert result.spec.parent == tmp_path / "s2"
    repaired = load_model(result.spec)
    assert predict(repaired, [train[0].inputs]).probs.shape == (1, 2)
    record = json.loads((tmp_path / "s2" / "repair.json").read_text())
    held = validation_ids(train, QUICK.valid_share, QUICK.seed)
    assert len(held) == 4
    found = sum(r.found for r in result.results if r.example_id not in held)
    valid_found = sum(r.found for r in result.results if r.example_id in held)
    assert record["search"]["found"] == found + valid_found and record["search"]["sources"] == 20
    counts = record["training_inputs"]
    assert counts == {
        "train": 16, "triggering": found, "sources": found, "weight": 2,
        "total": 16 + 2 * 2 * found,
    }  # fmt: skip
    assert record["validation"]["sources"] == 4
    assert record["validation"]["triggering"] == valid_found
    assert len(record["history"]) == 1 and record["settings"]["budget"] == 20
    assert {"valid_clean", "score"} <= set(record["history"][0])
    lines = [json.loads(line) for line in (tmp_path / "s2" / "deviations.jsonl").open()]
    assert [line["example_id"] for line in lines] == [e.id for e in train]
    assert {line["round"] for line in lines} == {0}
    assert record["found_per_round"] == [found + valid_found]


def test_validation_sources_are_a_seeded_share_and_never_all():
    examples = copy_examples(20, 0, "v")
    held = validation_ids(examples, 0.2, 0)
    assert len(held) == 4 and held <= {e.id for e in examples}
    assert held == validation_ids(examples, 0.2, 0) != validation_ids(examples, 0.2, 1)
    assert validation_ids(examples[:2], 0.2, 0) == set()  # round(0.4) = 0
    assert len(validation_ids(examples[:2], 0.5, 0)) == 1
    assert validation_ids(examples[:1], 0.5, 0) == set()  # nothing would be left to train on
    assert validation_ids(examples, 0.0, 0) == set()


def test_an_epoch_that_loses_clean_agreement_ranks_below_every_one_that_does_not():
    before = 0.9
    kept = [selection_score(0.9, 0.2, before), selection_score(1.0, 0.8, before)]
    lost = [selection_score(0.85, 1.0, before), selection_score(0.5, 1.0, before)]
    assert min(kept) > max(lost) and lost[0] > lost[1]
    assert kept[1] > kept[0]  # more triggering inputs repaired, clean agreement kept
    assert selection_score(0.7, None, before) == 0.7


def test_repair_refuses_what_it_cannot_do(rough_student, train_functions, tmp_path):
    callable_spec = tmp_path / "callable.yaml"
    callable_spec.write_text("format: callable\nfunction: nowhere:fn\ntask: vulnerability\n")
    with pytest.raises(ConfigError, match="format 'transformers'"):
        repair(teacher(), callable_spec, train_functions[:3], "vulnerability", tmp_path / "a",
               QUICK)  # fmt: skip
    with pytest.raises(ConfigError, match="needs training data"):
        repair(teacher(), rough_student, [], "vulnerability", tmp_path / "b", QUICK)
    with pytest.raises(ConfigError, match="vulnerability model, not clone"):
        repair(teacher(), rough_student, train_functions[:3], "clone", tmp_path / "c", QUICK)


@pytest.mark.slow
def test_repair_removes_the_planted_deviation_without_losing_clean_accuracy(
    held_out_functions, tmp_path
):
    train = copy_examples(120, 0, "t")
    planted = train_planted_student(tmp_path / "planted", train, 40)
    settings = RepairSettings(
        budget=100, rounds=3, weight=4, finetune=FinetuneSettings(epochs=10, learning_rate=2e-3)
    )
    result = repair(teacher(), planted, train, "vulnerability", tmp_path / "s2", settings)
    assert result.record["training_inputs"]["triggering"] > len(train)
    variants = [v for i, e in enumerate(held_out_functions) if (v := with_dead_branch(e, 100 + i))]

    def agreement(spec, examples):
        wanted = rule_teacher([e.inputs for e in examples]).argmax(axis=1)
        predicted = predict(load_model(spec), [e.inputs for e in examples]).probs.argmax(axis=1)
        return float((predicted == wanted).mean())

    before, after = agreement(planted, variants), agreement(result.spec, variants)
    assert before < 0.5 and after >= 0.85, (before, after)
    # The rule teacher gives every function its label, so agreement is clean accuracy. At most
    # one point lost, measured on 200 held-out functions (the 40 above and 160 more): on 40
    # one function is 2.5 points, so the bar would read "no function lost", and which of a
    # few borderline functions flip changes from one fine-tuning epoch or seed to the next
    # (the planted student: 0.975 on the 40, 0.955 on the 200).
    clean = copy_examples(200, 1, "h")
    assert [e.inputs for e in clean[:40]] == [e.inputs for e in held_out_functions]
    clean_before, clean_after = agreement(planted, clean), agreement(result.spec, clean)
    assert clean_after >= clean_before - 0.01, (clean_before, clean_after)
    evaluation = evaluate_repair(teacher(), planted, result.spec, held_out_functions,
                                 "vulnerability", settings)  # fmt: skip
    held_before = agreement(planted, held_out_functions)
    assert evaluation["clean_accuracy"]["before"] == pytest.approx(held_before)
    assert evaluation["repaired_share"] >= 0.5
    assert (evaluation["search_after"]["queries_per_found"]
            > evaluation["search_before"]["queries_per_found"])  # fmt: skip


def test_the_load_options_reach_every_model_loaded_from_a_spec(
    rough_student, train_functions, tmp_path
):
    """The student spec is loaded with the options given (here a device this machine may not
    have, or one that is refused), named as the student; a Classifier object is used as is."""
    options = {"device": "cuda:99"}
    with pytest.raises(ConfigError, match=r"^student: .*cuda"):
        repair(teacher(), rough_student, train_functions[:3], "vulnerability", tmp_path / "a",
               QUICK, options)  # fmt: skip
    with pytest.raises(ConfigError, match=r"^student: .*cuda"):
        evaluate_repair(teacher(), rough_student, rough_student, train_functions[:3],
                        "vulnerability", QUICK, options)  # fmt: skip
