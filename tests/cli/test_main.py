"""The top level of `metacompress`: every error is one line and exit 2, never exit 1."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import textwrap

import pytest

import metacompress.cli.report as report_command
from metacompress.cli import EXIT_USAGE, describe_failure, main


def failing(error: BaseException):
    def handler(args):
        raise error

    return handler


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (RuntimeError("the library broke\nsecond line"), "unexpected RuntimeError: the library broke"),
        (OSError(errno.ELOOP, "Too many levels of symbolic links", "a/loop"),
         "a/loop: Too many levels of symbolic links (a symbolic link loop)"),
        (MemoryError(), "out of memory"),
        (RuntimeError("Symlink loop from '/data/a'"), "/data/a: a symbolic link loop"),
    ],
)  # fmt: skip
def test_an_error_at_the_top_level_exits_2_with_one_line_and_no_traceback(
    monkeypatch, capsys, tmp_path, error, message
):
    monkeypatch.setattr(report_command, "run", failing(error))
    assert main(["report", str(tmp_path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"metacompress: error: {message}")
    assert "Traceback" not in err and "second line" not in err


def test_debug_prints_the_traceback_and_still_exits_2(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(report_command, "run", failing(RuntimeError("deep down")))
    assert main(["--debug", "report", str(tmp_path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: deep down" in err
    assert err.rstrip().endswith(describe_failure(RuntimeError("deep down")))


HEAVY_MODULES = ("torch", "transformers", "pyarrow", "ray", "datasets", "onnxruntime")

STARTUP_PROBE = textwrap.dedent(
    """
    import contextlib, io, json, sys
    heavy, argvs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    import metacompress.cli
    loaded = {"import metacompress.cli": [m for m in heavy if m in sys.modules]}
    for argv in argvs:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = metacompress.cli.main(argv)
        loaded[" ".join(argv)] = [m for m in heavy if m in sys.modules] + [f"exit {status}"]
    print(json.dumps(loaded))
    """
)


def test_light_commands_start_without_importing_torch_transformers_pyarrow_or_ray(tmp_path):
    """`list`, `transform` and `data inspect` run in a fresh interpreter without importing the
    heavy libraries: every command module is imported to build the parser, so one top-level
    `import torch` in any of them makes every command slow to start."""
    source = tmp_path / "f.c"
    source.write_text("int f(int a) { if (a) { return 1; } else { return 2; } }\n")
    data = tmp_path / "d.jsonl"
    data.write_text('{"func": "int f() { return 1; }", "target": 0}\n')
    argvs = [
        ["list", "transforms"],
        ["transform", "--name", "swap-if-else", str(source)],
        ["transform", str(source), "--out", str(tmp_path / "variants.jsonl")],
        ["data", "inspect", "--task", "vulnerability", str(data)],
    ]
    completed = subprocess.run(
        [sys.executable, "-c", STARTUP_PROBE, json.dumps(HEAVY_MODULES), json.dumps(argvs)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(completed.stdout)
    assert loaded == {
        "import metacompress.cli": [],
        **{" ".join(argv): ["exit 0"] for argv in argvs},
    }


def test_building_the_parser_imports_no_numpy_yaml_or_model_layer():
    """Every command module is imported to build the parser (`--help`, and before any command
    runs), so what they import at module level is paid by every command: the model layer,
    numpy and YAML are imported inside the handlers that need them."""
    probe = (
        "import json, sys, metacompress.cli\n"
        "metacompress.cli.build_parser()\n"
        "names = ('numpy', 'yaml', 'metacompress.models', 'metacompress.data.loaders')\n"
        "print(json.dumps([m for m in names if m in sys.modules]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert json.loads(completed.stdout) == []
