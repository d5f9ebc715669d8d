"""End-to-end runs over test doubles: the behaviour the issue asks of `metacompress run`."""

from __future__ import annotations

import inspect
import json
import sqlite3
import time
from pathlib import Path

import pytest
from pipeline_doubles import FOLLOWUPS, examples, flipping_student, raising_student

from metacompress.errors import ConfigError
from metacompress.pipeline.runner import WORKER_DIED
from metacompress.rundir.exports import EXPORTS

#: Relations that compare the student with the teacher (label invariance is per model).
BETWEEN_MODELS = (
    "prediction-agreement",
    "flip-agreement",
    "distribution-similarity",
    "high-confidence",
    "calibration-alignment",
)


def rows(run_dir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(run_dir / "run.sqlite") as db:
        return db.execute(sql, params).fetchall()


def table_bytes(run_dir: Path) -> dict[str, bytes]:
    return {
        f"{t.name}.{ext}": (run_dir / "tables" / f"{t.name}.{ext}").read_bytes()
        for t in EXPORTS
        for ext in ("csv", "parquet")
    }


def test_identical_student_violates_nothing(run):
    outcome = run()
    d = outcome.run_dir
    evaluated = rows(d, "SELECT COUNT(*) FROM verdicts WHERE applicable = 1")[0][0]
    assert evaluated > 100
    for relation in BETWEEN_MODELS:
        assert rows(d, "SELECT COUNT(*) FROM verdicts WHERE relation = ? AND applicable = 1"
                       " AND holds = 0", (relation,))[0][0] == 0, relation  # fmt: skip
    teacher = rows(d, "SELECT variant_id, holds, score FROM verdicts"
                      " WHERE relation = 'label-invariance-teacher' ORDER BY variant_id")  # fmt: skip
    student = rows(d, "SELECT variant_id, holds, score FROM verdicts"
                      " WHERE relation = 'label-invariance-student' ORDER BY variant_id")  # fmt: skip
    assert teacher == student and teacher
    gaps = outcome.summary["results"]["gaps"]
    assert gaps["accuracy_gap"]["value"] == 0.0
    assert gaps["behaviour_gap"]["transformations"]["prediction-agreement"]["induced"] == 0.0


def test_student_differing_on_a_known_subset_violates_exactly_there(run):
    subset = {"f2", "f5", "f9"}
    outcome = run(student=flipping_student(subset))
    d = outcome.run_dir
    violated = {
        example
        for (example,) in rows(d, "SELECT example_id FROM verdicts WHERE relation ="
                                  " 'prediction-agreement' AND applicable = 1 AND holds = 0")
    }  # fmt: skip
    assert violated == {"e002", "e005", "e009"}
    every_variant = rows(d, "SELECT v.variant_id FROM variants v WHERE v.status = 'ok' AND"
                            " v.example_id IN ('e002', 'e005', 'e009') ORDER BY v.variant_id")  # fmt: skip
    violating = rows(d, "SELECT variant_id FROM verdicts WHERE relation = 'prediction-agreement'"
                        " AND holds = 0 ORDER BY variant_id")  # fmt: skip
    assert violating == every_variant
    for relation in BETWEEN_MODELS:
        outside = rows(d, "SELECT COUNT(*) FROM verdicts WHERE relation = ? AND holds = 0 AND"
                          " example_id NOT IN ('e002', 'e005', 'e009')", (relation,))  # fmt: skip
        assert outside[0][0] == 0, relation
    source = next(r for r in outcome.summary["results"]["rates"]
                  if r["relation"] == "prediction-agreement" and r["followup"] == "source")  # fmt: skip
    assert (source["violations"], source["applicable"]) == (3, 12)


def test_same_seed_gives_byte_identical_tables_and_another_seed_does_not(run):
    first = table_bytes(run("a").run_dir)
    second = table_bytes(run("b").run_dir)
    assert first == second
    other = table_bytes(run("c", seed=8).run_dir)
    assert other["variants.csv"] != first["variants.csv"]


def test_one_and_two_workers_give_byte_identical_tables(run):
    assert table_bytes(run("one").run_dir) == table_bytes(run("two", workers=2).run_dir)


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the run catches it."""


STAGE_METHODS = ("load", "variants", "inference", "relation_stage", "aggregate")


def _stage_of_caller() -> str:
    """The Runner stage method a transaction is opened from ("setup" outside the stages)."""
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_name in STAGE_METHODS and "self" in frame.f_locals:
            return frame.f_code.co_name
        frame = frame.f_back
    return "setup"


@pytest.mark.parametrize("stage", ["setup", *STAGE_METHODS])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_resume_after_a_crash_gives_the_uninterrupted_tables(run, monkeypatch, stage, where):
    """The process dies just before the first, a middle or the last commit of a stage; the
    resumed run ends with the tables of an uninterrupted one (byte for byte)."""
    from metacompress.rundir.store import RunStore

    original = RunStore.transaction
    stages: list[str] = []

    def recording(self):
        stages.append(_stage_of_caller())
        return original(self)

    monkeypatch.setattr(RunStore, "transaction", recording)
    reference = table_bytes(run("reference").run_dir)
    numbers = [i for i, s in enumerate(stages) if s == stage]
    assert numbers, f"no commit in stage {stage}"
    target = {"first": numbers[0], "middle": numbers[len(numbers) // 2], "last": numbers[-1]}
    seen = {"n": -1}

    def crashing(self):
        seen["n"] += 1
        if seen["n"] == target[where]:
            raise Crash
        return original(self)

    monkeypatch.setattr(RunStore, "transaction", crashing)
    with pytest.raises(Crash):
        run("crashed")
    monkeypatch.setattr(RunStore, "transaction", original)
    resumed = run("crashed", resume=True)
    assert table_bytes(resumed.run_dir) == reference


def test_a_finished_run_resumes_without_redoing_work(run):
    first = run("done")
    again = run("done", resume=True)
    assert again.summary["resumed"] is True
    assert again.summary["cache"]["teacher"]["queries"] == 0
    assert table_bytes(first.run_dir) == table_bytes(again.run_dir)


def test_an_existing_run_needs_resume_and_the_same_config(run):
    run("kept")
    with pytest.raises(ConfigError, match="--resume"):
        run("kept")
    with pytest.raises(ConfigError, match="seed"):
        run("kept", resume=True, seed=99)


def test_a_resume_names_only_settings_that_change_results(run):
    run("parallel")
    run("parallel", resume=True, workers=2, chunk_size=5)
    with pytest.raises(ConfigError, match=r"its config differs in seed; resume with"):
        run("parallel", resume=True, seed=99)


def test_a_model_that_fails_to_load_leaves_the_folder_free_for_any_run(make_config):
    from pipeline_doubles import identical_student, teacher

    from metacompress.pipeline.runner import run_experiment

    with pytest.raises(ConfigError, match="nowhere"):  # the student's spec names no model
        run_experiment(make_config("free", student="./nowhere"), data=examples(),
                       models={"teacher": teacher()})  # fmt: skip
    models = {"teacher": teacher(), "student": identical_student()}
    outcome = run_experiment(make_config("free", seed=99), data=examples(), models=models)
    assert outcome.summary["resumed"] is False and outcome.summary["seed"] == 99


@pytest.mark.usefixtures("raising_transform")
def test_bad_inputs_are_recorded_with_reasons_and_the_run_completes(run):
    data = examples(6) + [
        type(examples(1)[0])("unparseable", ("int g( {{{ ) ;; return",), 0),
        type(examples(1)[0])("boom", ("int boom(int a) { int BOOM = a; return BOOM; }",), 1),
    ]
    outcome = run(student=raising_student(), data=data, followups=[*FOLLOWUPS, "test-raises"])
    d = outcome.run_dir
    broken = rows(d, "SELECT example_id, status, reason FROM variants WHERE followup = 'test-raises'"
                     " AND status != 'not-applicable'")  # fmt: skip
    assert broken == [("boom", "error", "RuntimeError: this transformation is broken")]
    assert ("variants", "boom", "test-raises", "", "error",
            "RuntimeError: this transformation is broken") in rows(d, "SELECT * FROM errors")  # fmt: skip
    errors = rows(d, "SELECT stage, example_id, followup, model, kind, reason FROM errors")
    inference = [e for e in errors if e[0] == "inference" and e[3] == "student"]
    assert inference and all("BOOM" in e[5] for e in inference)
    skipped = {e[1] for e in errors if e[0] == "relations"}
    assert skipped == {"boom"}
    unparseable = rows(d, "SELECT status, reason FROM variants WHERE example_id = 'unparseable'"
                          " AND followup NOT IN ('source', 'test-raises')")  # fmt: skip
    assert unparseable and all(s == "not-applicable" and "parse error" in r for s, r in unparseable)
    counts = outcome.summary["counts"]
    assert counts["errors"]["inference:error"] == len(inference)
    assert counts["errors"]["variants:error"] == 1
    assert (
        counts["outputs"]["teacher"]["ok"]
        == rows(d, "SELECT COUNT(DISTINCT input_key) FROM variants WHERE status = 'ok'")[0][0]
    )
    summary = json.loads((d / "summary.json").read_text())
    assert summary["counts"]["errors"] == counts["errors"]


def test_gates_in_the_config_decide_pass_and_fail(run):
    student = flipping_student({"f1"})
    failing = run("fail", student=student,
                  gates=[{"relation": "prediction-agreement", "max_violation": 0.01}])  # fmt: skip
    assert not failing.passed and failing.summary["passed"] is False
    passing = run("pass", student=student,
                  gates=[{"relation": "prediction-agreement", "fail_under": 0.5}])  # fmt: skip
    assert passing.passed
    gate = passing.summary["gates"][0]
    assert gate["value"] <= gate["limit"] == pytest.approx(0.5)
    empty = run("empty", student=student,
                gates=[{"relation": "representation-drift", "max_violation": 1.0}])  # fmt: skip
    assert not empty.passed
    assert "n/a (a model exposes no hidden representations)" in empty.gates[0].message


def test_an_induced_gate_ignores_what_was_already_violated_on_the_clean_input(run):
    # The student differs on f1 everywhere, its source included: every follow-up of f1
    # violates prediction-agreement, but none is induced (the source pair did not hold).
    student = flipping_student({"f1"})
    outcome = run("induced", student=student, gates=[
        {"relation": "prediction-agreement", "followup": "transformations",
         "measure": "induced", "max_violation": 0.0},
        {"relation": "prediction-agreement", "followup": "transformations", "max_violation": 0.0},
        {"relation": "calibration-alignment", "followup": "source", "fail_under": 0.5},
    ])  # fmt: skip
    induced, plain, source = outcome.gates
    assert induced.passed and induced.value == 0.0 and induced.measure == "induced"
    assert not plain.passed and plain.value > 0
    assert source.passed and source.value == pytest.approx(1 / 12)
    row = next(r for r in outcome.summary["results"]["rates"]
               if r["relation"] == "prediction-agreement" and r["followup"] == "transformations")  # fmt: skip
    assert row["source_rate"] == pytest.approx(plain.value)  # the same pairs, already violated
    assert row["difference"] == pytest.approx(0.0)
    assert row["induced_violations"] == 0 and row["induced_applicable"] > 0


def test_summary_records_provenance_timings_and_models(run):
    summary = run().summary
    assert summary["seed"] == 7
    assert summary["provenance"]["versions"]["numpy"]
    assert "git_commit" in summary["provenance"]
    assert summary["models"]["teacher"]["fingerprint"] == "teacher-v1"
    assert {"load", "variants", "inference", "relations", "aggregate"} <= set(summary["timings"])
    assert set(summary["cpu_timings"]) == set(summary["timings"])
    assert 0 < summary["cpu_timings"]["inference"] <= summary["cpu_timings"]["total"]


def test_throughput_comes_from_the_inputs_each_model_computed_in_the_inference_stage(run):
    d = run().run_dir
    for model, info in rows(d, "SELECT name, info FROM models"):
        scored = rows(d, "SELECT COUNT(*) FROM outputs WHERE model = ?", (model,))[0][0]
        cost = json.loads(rows(d, "SELECT value FROM meta WHERE key = ?",
                               (f"inference_cost:{model}",))[0][0])  # fmt: skip
        speed = json.loads(info)["speed"]
        assert cost["inputs"] == scored > 0 and cost["seconds"] > 0, model
        assert (speed["throughput_source"], speed["throughput_inputs"]) == ("inference", scored)
        assert speed["throughput"] == pytest.approx(scored / cost["seconds"])


def test_a_run_served_entirely_by_the_shared_cache_times_one_batch_instead(run, tmp_path):
    run("first", cache=str(tmp_path / "shared"))
    d = run("second", cache=str(tmp_path / "shared")).run_dir
    for model, info in rows(d, "SELECT name, info FROM models"):
        speed = json.loads(info)["speed"]
        assert speed["throughput_source"] == "one batch" and speed["throughput"] > 0, model


def test_a_pathological_input_times_out_instead_of_hanging(run):
    body = "".join(f"    int v{i} = a + {i};\n    if (v{i} > 3) {{ a = a * v{i}; }}\n"
                   for i in range(16000))  # fmt: skip
    big = type(examples(1)[0])("huge", ("int huge(int a) {\n" + body + "    return a;\n}\n",), 1)
    assert len(big.inputs[0]) > 1_000_000
    start = time.perf_counter()
    outcome = run(data=examples(3) + [big], followups=["rename-locals"], time_limit=1.0)
    assert time.perf_counter() - start < 60
    d = outcome.run_dir
    assert rows(d, "SELECT status FROM variants WHERE variant_id = 'huge/rename-locals'") == [
        ("timeout",)
    ]
    assert rows(d, "SELECT kind, reason FROM errors WHERE example_id = 'huge'") == [
        ("timeout", "time limit of 1 s exceeded")
    ]
    assert outcome.summary["counts"]["errors"] == {"variants:timeout": 1}
    assert outcome.summary["counts"]["variants"]["rename-locals"] == {"ok": 3, "timeout": 1}


def test_a_full_disk_stops_the_run_with_an_error_naming_the_store(run, monkeypatch):
    from metacompress.rundir.store import RunStore

    original = RunStore.__init__

    def tiny(self, run_dir):
        original(self, run_dir)
        self._db.execute("PRAGMA max_page_count = 40")

    monkeypatch.setattr(RunStore, "__init__", tiny)
    with pytest.raises(ConfigError, match=r"cannot use the run store .*run\.sqlite: .*full"):
        run("full", data=examples(40))


def test_attacks_against_each_model_give_followups_both_models_are_scored_on(run):
    attacks = [{"attack": "mhm", "against": "both", "params": {"budget": 40}}]
    outcome = run("attacked", student=flipping_student({"f2"}), followups=attacks)
    d = outcome.run_dir
    results = rows(d, "SELECT followup, victim, status FROM attack_results")
    assert {(f, v) for f, v, _ in results} == {("mhm@teacher", "teacher"),
                                                ("mhm@student", "student")}  # fmt: skip
    successes = rows(d, "SELECT a.example_id, a.followup, a.victim, a.final_p_positive, e.label"
                        " FROM attack_results a JOIN examples e USING (example_id)"
                        " WHERE a.status = 'success'")  # fmt: skip
    assert successes
    for example, followup, victim, final, label in successes:
        outputs = dict(
            (model, (p, predicted))
            for model, p, predicted in rows(
                d, "SELECT o.model, o.p_positive, o.predicted FROM variants v JOIN outputs o"
                   " ON o.input_key = v.input_key WHERE v.variant_id = ?",
                (f"{example}/{followup}",),
            )
        )  # fmt: skip
        assert set(outputs) == {"teacher", "student"}  # the other model's is the transfer
        assert outputs[victim] == (pytest.approx(final), 1 - label)
    assert rows(d, "SELECT COUNT(*) FROM variants WHERE followup LIKE 'mhm@%' AND status = 'ok'")[
        0
    ][0] == len(successes)
    again = run("attacked-again", student=flipping_student({"f2"}), followups=attacks)
    assert table_bytes(again.run_dir) == table_bytes(d)


def test_clone_pairs_transform_the_chosen_side_and_an_identical_student_agrees(run):
    method = "int m{i}(int a) {{ int s = 0; for (int k = 0; k < a; k++) {{ s += k; }} return s; }}"
    Example = type(examples(1)[0])
    pairs = [
        Example(f"p{i}", (method.format(i=i), method.format(i=i + 100)), i % 2) for i in range(6)
    ]
    followups = [{"transform": "rename-locals", "sides": "first"}, {"combine": 2, "sides": "all"}]
    outcome = run(task="clone", data=pairs, followups=followups)
    d = outcome.run_dir
    for inputs, example in rows(d, "SELECT v.inputs, e.inputs FROM variants v JOIN examples e"
                                   " USING (example_id) WHERE v.followup = 'rename-locals'"):  # fmt: skip
        new, old = json.loads(inputs), json.loads(example)
        assert new[0] != old[0] and new[1] == old[1]
    assert rows(d, "SELECT COUNT(*) FROM variants WHERE followup = 'combine-2' AND status = 'ok'")
    assert rows(d, "SELECT COUNT(*) FROM verdicts WHERE relation = 'prediction-agreement'"
                   " AND holds = 0")[0][0] == 0  # fmt: skip


@pytest.mark.usefixtures("dying_transform")
def test_a_unit_that_kills_its_worker_process_costs_only_itself(run):
    Example = type(examples(1)[0])
    data = [*examples(5), Example("die", ("int f(int DIE) { int x = DIE; return x; }",), 1)]
    outcome = run(data=data, workers=2, followups=["rename-locals", "test-dies"])
    d = outcome.run_dir
    assert rows(d, "SELECT variant_id, status, reason FROM variants WHERE status = 'error'") == [
        ("die/test-dies", "error", WORKER_DIED)
    ]
    assert rows(d, "SELECT COUNT(*) FROM variants WHERE followup = 'rename-locals'"
                   " AND status = 'ok'")[0][0] == 6  # fmt: skip
    assert outcome.summary["counts"]["errors"] == {"variants:error": 1}


def _open_files_under(folder: Path) -> list[str]:
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = fd.readlink()
        except OSError:
            continue
        if str(target).startswith(str(folder)):
            found.append(str(target))
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_a_finished_run_leaves_no_file_of_its_run_directory_open(run):
    import gc

    gc.disable()  # only an explicit close may release the files, not a collection
    try:
        outcome = run()
        assert _open_files_under(outcome.run_dir) == []
    finally:
        gc.enable()
