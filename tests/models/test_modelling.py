"""Choosing the lean RoBERTa at load: taken for every format that can run it when it agrees with
transformers on the probe (checked here or in a child process, recorded in backend_info),
equal to transformers on real batches, transformers kept (with the reason) otherwise, an error
when "lean" is insisted on and cannot be used."""

import json
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.models import load_model, modelling, predict
from metacompress.models.checkpoints import state_dict_sha256

LEAN_FORMATS = ("transformers", "codexglue-defect", "compressor", "codexglue-clone",
                "compressor-clone")  # fmt: skip


def test_lean_equals_transformers_for_every_format_that_runs_it(specs):
    for name, (spec, batch) in specs.items():
        lean = load_model(spec)
        reference = load_model(spec, modelling="transformers")
        info, ref_info = lean.backend_info(), reference.backend_info()
        assert ref_info["modelling"] == "transformers" and ref_info["modelling_reason"]
        if name not in LEAN_FORMATS:
            assert info["modelling"] == "transformers", (name, info)
            assert "runs transformers' code" in info["modelling_reason"]
            with pytest.raises(ConfigError, match="modelling 'lean' cannot"):
                load_model(spec, modelling="lean")
            continue
        assert info["modelling"] == "lean", (name, info)
        assert info["modelling_max_abs_diff"] <= 1e-5 and info["modelling_probe_inputs"] == 2
        assert info["modelling_checked_in"] == "this process"
        assert lean.describe()["backend"] == info
        a = predict(reference, batch, return_hidden=True)
        b = predict(lean, batch, return_hidden=True)
        assert np.max(np.abs(b.probs - a.probs)) <= 1e-5, name
        np.testing.assert_allclose(b.hidden, a.hidden, atol=1e-4, err_msg=name)
        assert b.truncated.tolist() == a.truncated.tolist()
        modules = (lean.backend.eager_module(), reference.backend.eager_module())
        assert state_dict_sha256(modules[0].state_dict()) == state_dict_sha256(
            modules[1].state_dict()
        )
        assert lean.fingerprint != reference.fingerprint  # like the kernels: no shared cache


def assert_falls_back(folder, reason):
    """"auto" keeps transformers, saying `reason`; "lean" is an error saying it."""
    info = load_model(folder).backend_info()
    assert info["modelling"] == "transformers" and re.search(reason, info["modelling_reason"])
    with pytest.raises(ConfigError, match=reason):
        load_model(folder, modelling="lean")


def test_a_probe_disagreement_keeps_transformers_or_fails_when_insisted(make_hf_model, monkeypatch):
    folder = make_hf_model(seed=8)
    monkeypatch.setattr(modelling, "TOLERANCE", -1.0)
    assert_falls_back(folder, "the lean RoBERTa differs from transformers")


def test_a_config_it_does_not_implement_keeps_transformers(make_hf_model):
    folder = make_hf_model(seed=9)
    config = json.loads((folder / "config.json").read_text())
    config["hidden_act"] = "gelu_new"
    (folder / "config.json").write_text(json.dumps(config))
    assert_falls_back(folder, "activation is not exact gelu")
    with pytest.raises(ConfigError, match="modelling"):
        load_model(folder, modelling="fastest")


def test_a_checkpoint_with_other_tensors_keeps_transformers(make_hf_model):
    import torch
    from safetensors.torch import load_file, save_file

    folder = make_hf_model(seed=10)
    state = load_file(folder / "model.safetensors")
    state["roberta.pooler.dense.weight"] = torch.zeros(32, 32)
    save_file(state, folder / "model.safetensors")
    info = load_model(folder).backend_info()
    assert info["modelling"] == "transformers"
    assert "tensors are not the lean RoBERTa's" in info["modelling_reason"]


def force_child(monkeypatch):
    """Make the check run in a child process (as for a large model in a fresh process)."""
    monkeypatch.setattr(modelling, "TRANSFORMERS_ROBERTA", "not.imported.module")
    monkeypatch.setattr(modelling, "ISOLATE_MIN_BYTES", 0)


def test_the_check_runs_in_a_child_process_and_failures_keep_transformers(
    make_hf_model, monkeypatch
):
    folder = make_hf_model(seed=11)
    force_child(monkeypatch)
    info = load_model(folder).backend_info()
    assert info["modelling"] == "lean" and info["modelling_checked_in"] == "a child process"
    assert info["modelling_max_abs_diff"] <= 1e-5
    monkeypatch.setattr(modelling, "CHILD_PROGRAM", "raise SystemExit('no reference here')")
    assert_falls_back(folder, r"child process \(exit 1\): no reference here")


def test_a_fresh_process_never_imports_transformers_modelling_code(make_hf_model):
    folder = make_hf_model(seed=12)
    program = (
        "import json, sys\n"
        "from metacompress.models import load_model, modelling\n"
        "modelling.ISOLATE_MIN_BYTES = 0\n"
        f"model = load_model({str(folder)!r})\n"
        "model.predict_proba([('int f() { return 1; }',)])\n"
        "print(json.dumps([model.backend_info(), modelling.TRANSFORMERS_ROBERTA in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    info, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert info["modelling"] == "lean" and info["modelling_checked_in"] == "a child process"
    assert imported is False


def test_a_model_sent_to_another_process_keeps_its_verdict(make_hf_model, monkeypatch):
    model = load_model(make_hf_model(seed=13))
    verdict = model.backend_info()

    def no_second_check(*args):
        raise AssertionError("checked again")

    monkeypatch.setattr(modelling, "_compare", no_second_check)
    again = pickle.loads(pickle.dumps(model))
    assert again.backend_info() == verdict
    assert again.fingerprint == model.fingerprint
