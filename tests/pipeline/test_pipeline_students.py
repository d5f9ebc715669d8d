"""`students:` in the config: accepted forms, and the bad inputs refused with file and line
(exit 2 from the command line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from metacompress.cli import main
from metacompress.errors import ConfigError
from metacompress.pipeline.config import load_config, parse_config

HEAD = """\
task: vulnerability
data: {format: synth, n: 4}
teacher: teacher.yaml
relations: [prediction-agreement]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, task in (("teacher", "vulnerability"), ("a", "vulnerability"),
                       ("b", "vulnerability"), ("clone", "clone")):  # fmt: skip
        (tmp_path / f"{name}.yaml").write_text(
            f"format: callable\nfunction: m:f\nname: {name}\ntask: {task}\n"
        )
    return tmp_path


def write(folder: Path, body: str) -> Path:
    path = folder / "study.yaml"
    path.write_text(HEAD + body)
    return path


def test_students_by_name_with_method_seed_and_declared_size(folder):
    config = load_config(write(folder, """\
students:
  a: a.yaml
  b-s2: {model: b.yaml, method: MORPH, seed: 2, size_mb: 3.5}
followups:
  - {attack: mhm, against: both}
  - {attack: alert, against: b-s2, id: al}
"""))  # fmt: skip
    assert config.model_names == ("teacher", "a", "b-s2")
    b = config.student_spec("b-s2")
    assert (b.method, b.seed, b.size_mb, b.method_name) == ("MORPH", 2, 3.5, "MORPH")
    assert config.student_spec("a").method_name == "a"
    assert [f.name for f in config.followups] == ["mhm@teacher", "mhm@a", "mhm@b-s2", "al@b-s2"]
    again = parse_config(config.to_dict(), base_dir=folder)
    assert again.students == config.students and again.result_hash() == config.result_hash()


def test_one_student_keeps_the_config_and_names_of_a_run_of_one_pair(folder):
    config = load_config(write(folder, "student: a.yaml\n"))
    assert config.model_names == ("teacher", "student")
    assert "student" in config.to_dict() and "students" not in config.to_dict()
    students = load_config(write(folder, "students: {x: a.yaml, y: b.yaml}\n"))
    attack = parse_config({**students.to_dict(), "followups": [{"attack": "mhm",
                                                               "against": "student"}]})  # fmt: skip
    assert [f.victim for f in attack.followups] == ["x", "y"]  # "student": every student


@pytest.mark.parametrize("body, line, message", [
    ("students: {}\n", 5, "students: expected at least one student"),
    ("students:\n", 5, "students: expected at least one student"),
    ("students:\n  a: a.yaml\n  a: b.yaml\n", 7, "students.a: duplicate key"),
    ("students:\n  - {name: a, model: a.yaml}\n  - {name: a, model: b.yaml}\n", 7,
     "students[1]: student name 'a' is used twice"),
    ("students:\n  a: a.yaml\n  c: clone.yaml\n", 7,
     "students.c: student 'c' is a model for task clone"),
    ("student: clone.yaml\n", 5, "student: student 'student' is a model for task clone"),
    ("student: a.yaml\nstudents: {b: b.yaml}\n", 6, "students: give either student"),
    ("students: {teacher: a.yaml}\n", 5, "students.teacher: a student's name must be"),
])  # fmt: skip
def test_bad_students_are_config_errors_naming_file_and_line(folder, body, line, message):
    path = write(folder, body)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert f"study.yaml:{line}: {message}" in str(error.value)


def test_the_command_line_exits_2_naming_the_file_and_line(folder, capsys):
    path = write(folder, "students:\n  a: a.yaml\n  c: clone.yaml\n")
    assert main(["--quiet", "run", str(path), "--out", str(folder / "out")]) == 2
    err = capsys.readouterr().err
    assert "study.yaml:7: students.c:" in err and "task clone" in err
    assert "Traceback" not in err
