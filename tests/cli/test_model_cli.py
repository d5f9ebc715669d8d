"""The model commands end to end on tiny models: predict, check-model, export-onnx."""

import csv
import json

import pytest
import torch

from metacompress.cli import main
from metacompress.testing.tiny import tiny_classifier, wrap_tokenizer

FUNCS = [
    "int f(int a) { return a + 1; }",
    "void g(char *p) { free(p); free(p); }",
    "static int h(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }",
    "int k(void) { return 0; }",
]


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture
def model_dir(tmp_path, shared_data):
    """A transformers-format classifier that says 'vulnerable' (P = 0.95) for everything."""
    from tokenizers import Tokenizer

    backend = Tokenizer.from_file(
        str(shared_data / "compressor-tokenizers" / "vulnerability_prediction-BPE_1000.json")
    )
    spec = {"format": "transformers", "task": "vulnerability", "max_length": 16}
    return tiny_classifier(tmp_path / "model", tokenizer=wrap_tokenizer(backend), positions=66,
                           bias=(-1.5, 1.5), spec=spec)  # fmt: skip


def write_data(path, labels):
    with open(path, "w") as handle:
        for i, (func, label) in enumerate(zip(FUNCS, labels, strict=True)):
            handle.write(json.dumps({"idx": i, "func": func, "target": label}) + "\n")
    return path


def test_predict_writes_probabilities_and_truncation(model_dir, tmp_path, capsys):
    data = write_data(tmp_path / "d.jsonl", [1, 0, 1, 1])
    out = tmp_path / "p.jsonl"
    assert main(["predict", "--model", str(model_dir), "--data", str(data), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["0", "1", "2", "3"]
    assert all(r["prob_positive"] == pytest.approx(0.9526, abs=1e-3) for r in rows)
    assert all(r["prediction"] == 1 for r in rows)
    assert rows[2]["truncated"] and not rows[0]["truncated"]
    assert rows[0]["visible_chars"] == [len(FUNCS[0])]
    summary = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert summary["accuracy"] == pytest.approx(0.75) and summary["truncated"] >= 1
    csv_out = tmp_path / "p.csv"
    assert (
        main(["predict", "--model", str(model_dir), "--data", str(data), "--out", str(csv_out)])
        == 0
    )
    assert csv_out.read_text().splitlines()[0].startswith("id,label,prob_negative")


def test_predict_csv_quotes_formula_ids_and_appears_only_when_complete(tmp_path):
    (tmp_path / "constant_model.py").write_text(
        "import numpy as np\n\n\ndef predict(batch):\n"
        "    return np.tile([0.25, 0.75], (len(batch), 1))\n"
    )
    spec = tmp_path / "model.yaml"
    spec.write_text("format: callable\nfunction: constant_model:predict\ntask: vulnerability\n")
    data = tmp_path / "d.jsonl"
    ids = ["=cmd|' /C calc'!A0", "@SUM(A1)", "7"]
    data.write_text("".join(json.dumps({"idx": i, "func": FUNCS[0], "target": 1}) + "\n"
                            for i in ids))  # fmt: skip
    out = tmp_path / "p.csv"
    args = ["predict", "--model", str(spec), "--data", str(data), "--trust-remote-code"]
    assert main([*args, "--out", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as handle:
        assert [row["id"] for row in csv.DictReader(handle)] == ["'" + ids[0], "'" + ids[1], "7"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "constant_model.py", "d.jsonl", "model.yaml", "p.csv"]  # fmt: skip


def test_check_model_warns_on_inverted_classes(model_dir, tmp_path, capsys):
    good = write_data(tmp_path / "good.jsonl", [1, 1, 1, 1])
    assert main(["check-model", "--model", str(model_dir), "--data", str(good)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["accuracy"] == 1.0 and report["predicted_positive"] == 1.0
    many = tmp_path / "bad.jsonl"
    with open(many, "w") as handle:
        for i in range(12):
            handle.write(json.dumps({"idx": i, "func": FUNCS[i % 4], "target": 0}) + "\n")
    assert main(["check-model", "--model", str(model_dir), "--data", str(many)]) == 1
    captured = capsys.readouterr()
    assert "inverted" in captured.err and json.loads(captured.out)["accuracy"] == 0.0
    assert "(nearly) one output whatever the input" in captured.err  # 12 inputs, one answer


def test_check_model_is_quiet_about_a_model_whose_outputs_vary(tmp_path, capsys):
    (tmp_path / "varying.py").write_text(
        "import numpy as np\n"
        "def predict(batch):\n"
        "    p = np.array([len(inputs[0]) % 7 / 7 for inputs in batch])\n"
        "    return np.stack([1 - p, p], axis=1)\n"
    )
    (tmp_path / "model.yaml").write_text(
        "format: callable\nfunction: varying:predict\ntask: vulnerability\n"
    )
    data = tmp_path / "d.jsonl"
    with open(data, "w") as handle:
        for i in range(12):
            handle.write(json.dumps({"idx": i, "func": FUNCS[i % 4] + " " * i, "target": 1}) + "\n")
    args = ["check-model", "--model", str(tmp_path / "model.yaml"), "--data", str(data)]
    assert main([*args, "--trust-remote-code"]) in (0, 1)
    assert "one output" not in capsys.readouterr().err


def test_export_onnx_then_predict_with_it(model_dir, tmp_path, capsys):
    out = tmp_path / "export" / "m.onnx"
    code = main(
        ["export-onnx", "--model", str(model_dir), "--out", str(out), "--exporter", "torchscript"]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["max_abs_diff"] < 1e-4
    data = write_data(tmp_path / "d.jsonl", [1, 0, 1, 1])
    preds = tmp_path / "onnx.jsonl"
    assert main(["predict", "--model", str(out), "--data", str(data), "--out", str(preds)]) == 0
    rows = [json.loads(line) for line in preds.read_text().splitlines()]
    assert all(r["prob_positive"] == pytest.approx(0.9526, abs=1e-3) for r in rows)


def test_usage_errors_exit_2(model_dir, tmp_path, capsys):
    data = write_data(tmp_path / "d.jsonl", [1, 0, 1, 1])
    assert main(["predict", "--model", str(tmp_path / "nope"), "--data", str(data)]) == 2
    assert main(["predict", "--model", str(model_dir), "--data", str(data), "--task", "clone"]) == 2
    assert (
        main(["predict", "--model", str(model_dir), "--data", str(data), "--batch-size", "x"]) == 2
    )
    assert "error" in capsys.readouterr().err
