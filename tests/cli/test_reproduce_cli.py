"""`metacompress reproduce`: bad input exits 2 with one line naming the problem."""

from __future__ import annotations

import pytest

from metacompress.cli import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "cpu", "--data", "{empty}"], "expected a folder devign/"),
        (["--budget", "cpu", "--task", "clone", "--data", "{empty}"], "bigclonebench/"),
        (["--teachers", "bert"], "teachers must be some of roberta, graphcodebert"),
        (["--teachers", ","], "teachers must be some of"),
        (["--threads", "0"], "--threads must be at least 1"),
    ],
)
def test_bad_input_is_exit_2_with_a_message(tmp_path, capsys, args, message):
    empty = tmp_path / "data"
    empty.mkdir()
    argv = ["reproduce", "--out", str(tmp_path / "out"), "--task", "vulnerability"]
    argv += [a.replace("{empty}", str(empty)) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out" / "models").exists()  # refused before any stage


def test_an_out_that_is_a_file_is_exit_2(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    assert main(["reproduce", "--out", str(target)]) == 2
    assert f"--out {target}: exists and is not a folder" in capsys.readouterr().err


def test_an_unknown_budget_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["reproduce", "--out", str(tmp_path), "--budget", "huge"])
    assert stopped.value.code == 2
    assert "invalid choice: 'huge'" in capsys.readouterr().err
