"""`metacompress run`: exit codes, gates on the command line, resume, errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metacompress.cli import main

#: The callable teacher (a hash of the code) and student (disagrees on f1) of the CLI tests.
MODELS = Path(__file__).resolve().parent / "bad_inputs" / "_shared" / "cli_models.py"

CONFIG = """\
task: vulnerability
seed: 1
data:
  format: devign
  path: data.jsonl
teacher: teacher.yaml
student: student.yaml
followups: [rename-locals, insert-unused-variable]
relations: [prediction-agreement, label-invariance-student]
statistics: {bootstrap: 20}
report: []
"""


def function(i: int) -> str:
    return f"int f{i}(int a) {{\n    int x = a + {i};\n    return x * 2;\n}}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "cli_models.py").write_text(MODELS.read_text())
    for role in ("teacher", "student"):
        (tmp_path / f"{role}.yaml").write_text(
            f"format: callable\nfunction: cli_models:{role}\nname: {role}\ntask: vulnerability\n"
        )
    rows = [json.dumps({"idx": i, "func": function(i), "target": i % 2}) for i in range(8)]
    (tmp_path / "data.jsonl").write_text("\n".join(rows) + "\n{broken json\n")
    (tmp_path / "exp.yaml").write_text(CONFIG)
    return tmp_path


def run(project: Path, *args: str) -> int:
    return main(["--quiet", "run", str(project / "exp.yaml"), "--trust-remote-code", *args])


def test_gates_that_hold_exit_0_and_the_run_directory_is_complete(project, capsys):
    code = run(project, "--out", str(project / "out"), "--fail-under",
               "prediction-agreement=0.5", "--max-violation", "prediction-agreement@source=0.2")  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert f"run directory: {project / 'out'}" in out and "gate PASS" in out
    summary = json.loads((project / "out" / "summary.json").read_text())
    assert summary["counts"]["examples"] == 8
    assert summary["counts"]["data"]["skipped"] == {"malformed JSON": 1}
    assert (project / "out" / "config.yaml").is_file()
    assert (project / "out" / "tables" / "verdicts.parquet").is_file()


def test_a_failing_gate_exits_1(project, capsys):
    assert run(project, "--max-violation", "prediction-agreement=0.05") == 1
    assert "gate FAIL: prediction-agreement max-violation 0.05" in capsys.readouterr().out


def test_a_gate_in_the_config_counts_like_one_on_the_command_line(project):
    text = CONFIG + "gates:\n  - relation: prediction-agreement\n    fail_under: 0.99\n"
    (project / "exp.yaml").write_text(text)
    assert run(project, "--limit", "4") == 1


def test_limit_samples_the_examples(project):
    assert run(project, "--limit", "3", "--out", str(project / "small")) == 0
    summary = json.loads((project / "small" / "summary.json").read_text())
    assert summary["counts"]["examples"] == 3


def test_config_errors_exit_2_naming_file_line_and_key(project, capsys):
    (project / "exp.yaml").write_text(CONFIG.replace("seed: 1", "seed: one"))
    assert run(project) == 2
    assert "exp.yaml:2: seed: expected an integer >= 0, got 'one'" in capsys.readouterr().err


def test_a_gate_on_the_induced_rate_of_a_pool(project, capsys):
    code = run(project, "--out", str(project / "induced"), "--max-violation",
               "prediction-agreement@transformations:induced=1")  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "gate PASS: prediction-agreement@transformations:induced max-violation 1" in out
    assert "behaviour gap prediction-agreement on transformations: induced rate" in out


def test_usage_errors_exit_2(project, capsys):
    assert run(project, "--fail-under", "prediction-agreement") == 2
    assert "--fail-under: expected RELATION[@FOLLOWUP][:MEASURE]=LIMIT" in capsys.readouterr().err
    assert run(project, "--max-violation", "prediction-agreement:median=0.1") == 2
    assert "MEASURE one of rate, induced, difference, value" in capsys.readouterr().err
    assert run(project, "--max-violation", "prediction-agreement:value=0.1") == 2
    assert "does not apply to 'prediction-agreement'" in capsys.readouterr().err
    assert run(project, "--max-violation", "no-such-relation=0.1") == 2
    assert "unknown relation 'no-such-relation'" in capsys.readouterr().err
    assert run(project, "--limit", "0") == 2
    assert "--limit: expected an integer >= 1, got 0" in capsys.readouterr().err
    for flag, value, message in [
        ("--workers", "0", "--workers: expected an integer >= 1, got 0"),
        ("--device", "gpu", "--device: device must be cpu, cuda, cuda:N or auto, got 'gpu'"),
    ]:
        assert run(project, flag, value) == 2
        assert message in capsys.readouterr().err
    assert run(project, "--backend", "local", "--ray-address", "auto") == 2
    assert "--ray-address: a cluster address ('auto') needs the ray backend" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["run"])
    assert exit_info.value.code == 2


def test_running_code_named_by_a_model_spec_needs_consent(project, capsys):
    assert main(["--quiet", "run", str(project / "exp.yaml")]) == 2
    assert "trust_remote_code" in capsys.readouterr().err


def test_an_unwritable_output_folder_exits_2_naming_it(project, capsys):
    (project / "blocker").write_text("a file, not a folder")
    assert run(project, "--out", str(project / "blocker" / "run")) == 2
    assert f"{project / 'blocker' / 'run'}" in capsys.readouterr().err


def test_an_existing_run_needs_resume(project, capsys):
    out = str(project / "again")
    assert run(project, "--out", out) == 0
    assert run(project, "--out", out) == 2
    assert "--resume" in capsys.readouterr().err
    assert run(project, "--out", out, "--resume") == 0


def test_a_followup_that_tested_nothing_exits_2_after_writing_the_run(project, monkeypatch,
                                                                     capsys):  # fmt: skip
    import metacompress.pipeline.variants as variants

    def broken(unit):
        if unit.followup.name == "rename-locals":
            raise OverflowError("timer value too large")
        return real(unit)

    real = variants._make
    monkeypatch.setattr(variants, "_make", broken)
    assert run(project, "--out", str(project / "failed"), "--fail-under",
               "prediction-agreement=0") == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "incomplete run: every variant of rename-locals failed" in err
    assert "OverflowError: timer value too large" in err
    summary = json.loads((project / "failed" / "summary.json").read_text())
    assert list(summary["failed_followups"]) == ["rename-locals"]
    assert (project / "failed" / "tables" / "errors.parquet").is_file()


def test_run_warns_when_a_model_reads_its_classes_inverted(project, capsys):
    (project / "inverted_model.py").write_text(
        "import numpy as np\n\n\ndef inverted(batch):\n"
        "    odd = np.array([int(x[0].split('(')[0][5:]) % 2 for x in batch], dtype=float)\n"
        "    p = 0.1 + 0.8 * (1 - odd)\n"
        "    return np.stack([1 - p, p], axis=1)\n"
    )  # fmt: skip
    (project / "student.yaml").write_text(
        "format: callable\nfunction: inverted_model:inverted\nname: student\ntask: vulnerability\n"
    )
    assert run(project, "--out", str(project / "inverted")) == 0  # a warning, not a failure
    err = capsys.readouterr().err
    assert "warning: the student model: accuracy 0.000 is far below 0.5 on 8 labelled" in err
    assert "teacher model" not in err


def test_the_backend_is_recorded_and_a_resume_after_config_json_changed_is_refused(
    project, capsys
):
    import shutil

    folder = project / "hf-teacher"
    shutil.copytree(Path(__file__).parent / "bad_inputs" / "_shared" / "tiny-hf", folder)
    (project / "teacher.yaml").write_text(
        "format: transformers\npath: hf-teacher\ntask: vulnerability\n"
    )
    out = str(project / "edited")
    assert run(project, "--out", out) == 0
    described = json.loads((Path(out) / "summary.json").read_text())["models"]["teacher"]
    backend = described["description"]["backend"]
    assert backend["backend"] == "torch" and backend["kernels"] == "eager"
    assert backend["reason"] == "its largest linear layer has 128 < 262144 weights"
    assert backend["tolerance"] == 1e-5
    settings = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**settings, "hidden_act": "relu"}))
    capsys.readouterr()
    assert run(project, "--out", out, "--resume") == 2
    assert "the teacher model changed since the run started" in capsys.readouterr().err
