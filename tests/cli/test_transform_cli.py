import io
import subprocess
import sys
from pathlib import Path

import pytest

from metacompress.cli import main
from metacompress.cli.transform import parse_params
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
