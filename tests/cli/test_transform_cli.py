import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from metacompress.cli import main
from metacompress.cli.transform import parse_params
from metacompress.code.combine import candidates
from metacompress.code.edits import Edit, apply_edits
from metacompress.code.rename import alpha_renaming_problems
from metacompress.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "snippets" / "copy_name.c"


def run(argv, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_transform_prints_the_renamed_code(capsys):
    code, out, err = run(
        ["transform", "--lang", "c", "--name", "rename-all", "--seed", "1", str(EXAMPLE)], capsys
    )
    assert code == 0 and err == ""
    original = EXAMPLE.read_text()
    assert out != original and alpha_renaming_problems(original, out, "c") == []
    again = run(
        ["transform", "--lang", "c", "--name", "rename-all", "--seed", "1", str(EXAMPLE)], capsys
    )
    assert again[1] == out


def test_transform_reads_stdin_and_reports_not_applicable(capsys, monkeypatch):
    code, out, err = run(
        ["transform", "--lang", "c", "--name", "rename-locals", "-"],
        capsys,
        stdin="int f(int a) { return a; }\n",
        monkeypatch=monkeypatch,
    )
    assert code == 3 and out == ""
    assert "not applicable: no renamable local variables" in err


def test_transform_params_and_times(capsys):
    argv = ["transform", "--lang", "c", "--name", "rename-locals", "--times", "2"]
    argv += ["--param", "name_source=list", "--param", "names=[alpha, beta, gamma, delta]"]
    code, out, err = run([*argv, str(EXAMPLE)], capsys)
    assert code == 0, err
    assert "count" not in out and "int i" not in out
    assert len({"alpha", "beta", "gamma", "delta"} & set(out.replace("(", " ").split())) >= 2
    code, out, err = run(
        ["transform", "--lang", "c", "--name", "rename-parameters", "--times", "9"]
        + ["--param", "name_source=list", "--param", "names=[a1, a2, a3, a4]"]
        + [str(EXAMPLE)],
        capsys,
    )
    assert code == 3 and "(step 2 of 9)" in err


def test_transform_compose_from_the_command_line(capsys):
    argv = ["transform", "--lang", "c", "--name", "compose", "--param", "k=2"]
    argv += ["--param", "transforms=[rename-locals, rename-parameters]", str(EXAMPLE)]
    code, out, _ = run(argv, capsys)
    assert code == 0 and alpha_renaming_problems(EXAMPLE.read_text(), out, "c") == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--name", "no-such", str(EXAMPLE)], "unknown transform"),
        (["--name", "rename-all", "--param", "fraction", str(EXAMPLE)], "KEY=VALUE"),
        (["--name", "rename-all", "--param", "fraction=2", str(EXAMPLE)], "fraction must be in"),
        (["--name", "rename-all", "--param", "colour=red", str(EXAMPLE)], "no parameter 'colour'"),
        (["--name", "rename-all", "--times", "0", str(EXAMPLE)], "--times must be at least 1"),
        (["--name", "rename-all", "missing-file.c"], "cannot read missing-file.c"),
    ],
)
def test_transform_usage_errors_exit_2(argv, message, capsys):
    code, out, err = run(["transform", "--lang", "c", *argv], capsys)
    assert code == 2 and out == "" and message in err


def test_parse_params_reads_yaml_values():
    assert parse_params(["k=2", "names=[a, b]", "fraction=0.5", "x="]) == {
        "k": 2,
        "names": ["a", "b"],
        "fraction": 0.5,
        "x": None,
    }
    with pytest.raises(ConfigError):
        parse_params(["names=[a"])


def test_console_script_exit_status():
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "metacompress",
            "transform",
            "--lang",
            "java",
            "--name",
            "rename-parameters",
            "-",
        ],
        input="int f() { return 1; }",
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 3 and "no renamable parameters" in completed.stderr


JAVA = "int twice(int x) { int y = x * 2; if (y > 3) { y--; } else { y++; } return y; }\n"


def test_transform_many_files_gives_one_row_per_file_transformation_and_seed(tmp_path, capsys):
    java = tmp_path / "Twice.java"
    java.write_text(JAVA)
    names = "rename-locals,swap-if-else"
    argv = ["transform", "--name", names, "--seeds", "0,3", str(EXAMPLE), str(java)]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["input"], r["transform"], r["seed"]) for r in rows] == [
        (path, name, seed)
        for path in (str(EXAMPLE), str(java))
        for name in names.split(",")
        for seed in (0, 3)
    ]
    assert "8 rows" in err and "0 errors" in err
    for row in rows:
        single = run(["transform", "--name", row["transform"], "--seed", str(row["seed"]),
                      row["input"]], capsys)  # fmt: skip
        if row["applied"]:
            assert single[0] == 0 and single[1] == row["code"]
            replayed = Path(row["input"]).read_text()
            for step in row["step_edits"]:
                replayed = apply_edits(replayed, [Edit.from_dict(e) for e in step])
            assert replayed == row["code"]
        else:
            assert single[0] == 3 and row["reason"] in single[2]


def test_transform_jsonl_records_bad_rows_and_writes_the_output_whole(tmp_path, capsys):
    source = tmp_path / "data.jsonl"
    lines = [
        json.dumps({"idx": 7, "func": EXAMPLE.read_text(), "lang": "c"}),
        "{not json",
        json.dumps({"id": "j", "code": JAVA, "lang": "java"}),
        json.dumps({"id": "nolang", "code": JAVA}),
        json.dumps({"id": "nocode", "lang": "c"}),
        json.dumps({"id": "cobol", "code": "x", "lang": "cobol"}),
    ]
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "variants.jsonl"
    argv = ["transform", "--in", str(source), "--out", str(out), "--times", "2", "--seeds", "1"]
    code, stdout, err = run(argv, capsys)
    assert code == 0 and stdout == ""
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    errors = {r["input"]: r["error"] for r in rows if "error" in r}
    assert set(errors) == {f"{source}:2", "nolang", "nocode", "cobol"}
    assert "not JSON" in errors[f"{source}:2"] and "--lang" in errors["nolang"]
    assert "'code'" in errors["nocode"] and "cobol" in errors["cobol"]
    c_rows = [r for r in rows if r["input"] == "7"]
    java_rows = [r for r in rows if r["input"] == "j"]
    assert {r["transform"] for r in c_rows} == set(candidates("c")) | {"compose"}
    assert {r["transform"] for r in java_rows} == set(candidates("java")) | {"compose"}
    assert all(r["times"] == 2 for r in c_rows)
    assert all(len(r["steps"]) == 2 for r in c_rows if r["applied"] and r["transform"] != "compose")
    assert f"{len(rows)} rows" in err and "4 errors" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl", "variants.jsonl"]


def test_transform_batch_usage_errors_leave_no_output(tmp_path, capsys):
    out = tmp_path / "variants.jsonl"
    code, _, err = run(["transform", "--name", "no-such", "--out", str(out), str(EXAMPLE)], capsys)
    assert code == 2 and "unknown transform" in err and not out.exists()
    code, _, err = run(["transform", "--out", str(out), "--param", "k=2", str(EXAMPLE)], capsys)
    assert code == 2 and "one named transformation" in err
    code, _, err = run(["transform", "--seeds", "a,b", str(EXAMPLE)], capsys)
    assert code == 2 and "--seeds" in err
    code, _, err = run(["transform", "--in", str(tmp_path / "none.jsonl")], capsys)
    assert code == 2 and "cannot read" in err
    assert list(tmp_path.iterdir()) == []
