"""Kernel choice: oneDNN is chosen on the CPU for models with large enough linear layers when
its probabilities equal torch eager's within 1e-5 on the probe, it gives the same
probabilities as eager on real batches for every torch format, and a disagreement keeps eager
(or is an error when oneDNN is insisted on)."""

import numpy as np
import pytest
import torch

from metacompress.errors import ConfigError
from metacompress.models import kernels, load_model, predict
from metacompress.models.onednn import onednn_available

pytestmark = pytest.mark.skipif(not onednn_available(), reason="torch built without oneDNN")


def test_onednn_equals_eager_for_every_torch_format(specs):
    for name, (spec, batch) in specs.items():
        eager = load_model(spec, kernels="eager")
        fast = load_model(spec, kernels="onednn")
        info = fast.backend_info()
        assert info["kernels"] == "onednn", (name, info)
        assert info["max_abs_diff"] <= kernels.TOLERANCE and info["probe_inputs"] == 2
        assert eager.backend_info()["kernels"] == "eager"
        a = predict(eager, batch, return_hidden=True)
        b = predict(fast, batch, return_hidden=True)
        assert np.max(np.abs(b.probs - a.probs)) <= 1e-5, name
        np.testing.assert_allclose(b.hidden, a.hidden, atol=1e-4, err_msg=name)
        assert b.truncated.tolist() == a.truncated.tolist()
        assert fast.fingerprint != eager.fingerprint  # the last bits may differ: no shared cache
        assert fast.describe()["backend"] == info


def test_auto_takes_onednn_for_large_linear_layers_only(make_hf_model, monkeypatch):
    small = load_model(make_hf_model(seed=6))
    assert small.backend_info()["kernels"] == "eager"
    assert "largest linear layer has" in small.backend_info()["reason"]
    monkeypatch.setattr(kernels, "MIN_LINEAR_WEIGHTS", 32 * 37)  # the tiny model's largest
    assert load_model(make_hf_model(seed=6)).backend_info()["kernels"] == "onednn"


def test_a_probe_disagreement_keeps_eager_or_fails_when_insisted(make_hf_model, monkeypatch):
    folder = make_hf_model(seed=6)
    monkeypatch.setattr(kernels, "MIN_LINEAR_WEIGHTS", 1)
    monkeypatch.setattr(kernels, "TOLERANCE", -1.0)
    model = load_model(folder)
    info = model.backend_info()
    assert info["kernels"] == "eager" and "differs from eager" in info["reason"]
    with pytest.raises(ConfigError, match="kernels 'onednn' cannot be used"):
        load_model(folder, kernels="onednn")


def test_kernels_are_validated_and_exported_models_read_the_dense_module(make_hf_model, tmp_path):
    folder = make_hf_model(seed=7)
    with pytest.raises(ConfigError, match="kernels"):
        load_model(folder, kernels="fastest")
    model = load_model(folder, kernels="onednn")
    dense = model.backend.eager_module()
    assert not any(type(m).__name__ == "OneDNNLinear" for m in dense.modules())
    reference = load_model(folder, kernels="eager").backend.module
    for key, value in reference.state_dict().items():
        assert torch.equal(dense.state_dict()[key], value), key
