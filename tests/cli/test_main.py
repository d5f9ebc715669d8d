"""The top level of `metacompress`: every error is one line and exit 2, never exit 1."""

from __future__ import annotations

import errno

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
