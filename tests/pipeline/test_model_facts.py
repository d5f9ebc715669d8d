import numpy as np
import pytest
import torch

from metacompress.models import CachedClassifier, CallableClassifier
from metacompress.pipeline.model_facts import SINGLES, model_size, model_speed


def constant(batch):
    return np.tile([0.3, 0.7], (len(batch), 1))


class _Backend:
    def __init__(self, module):
        self.module = module


class _TorchModel:
    """A model whose backend holds a torch module, as the engine's models do."""

    fingerprint = "m"

    def __init__(self, module):
        self.backend = _Backend(module)

    def predict_proba(self, batch):
        return constant(batch)


def test_size_of_torch_weights_counts_every_parameter_and_its_bytes():
    module = torch.nn.Sequential(torch.nn.Linear(10, 4), torch.nn.Linear(4, 2))
    size = model_size(CachedClassifier(_TorchModel(module)))
    assert size["parameters"] == 10 * 4 + 4 + 4 * 2 + 2
    assert size["size_mb"] == pytest.approx(size["parameters"] * 4 / 1e6)
    assert size["source"] == "weights"
    half = model_size(_TorchModel(module.half()))
    assert half["size_mb"] == pytest.approx(size["size_mb"] / 2)


def test_size_counts_the_linear_weights_the_model_layer_runs_by_onednn():
    from metacompress.models.onednn import onednn_available, to_onednn_linears

    if not onednn_available():
        pytest.skip("this torch build has no oneDNN")
    module = torch.nn.Sequential(torch.nn.Embedding(50, 6), torch.nn.Linear(6, 4),
                                 torch.nn.Linear(4, 2, bias=False))  # fmt: skip
    dense = model_size(_TorchModel(module))
    assert dense["parameters"] == 50 * 6 + 6 * 4 + 4 + 4 * 2
    assert to_onednn_linears(module) == 2
    assert model_size(_TorchModel(module)) == dense


def test_a_callable_has_the_declared_size_or_none():
    model = CallableClassifier(constant, "c")
    assert model_size(model) == {"parameters": None, "size_mb": None, "source": None}
    declared = model_size(model, {"size_mb": 3.0})
    assert declared["size_mb"] == 3.0 and declared["source"] == "declared"


def test_speed_calls_the_model_itself_one_input_at_a_time_then_one_batch():
    calls = []

    def fn(batch):
        calls.append(len(batch))
        return constant(batch)

    cached = CachedClassifier(CallableClassifier(fn, "c"))
    inputs = [(f"int f{i};",) for i in range(40)]
    speed = model_speed(cached, inputs, batch_size=16)
    assert calls == [1] * (1 + SINGLES) + [16]  # warm-up, singles, one batch; no cache hit
    assert speed["latency_ms"] > 0 and speed["throughput"] > 0
    assert (speed["throughput_source"], speed["throughput_inputs"]) == ("one batch", 16)
    assert speed["inputs"] == 1 + SINGLES + 16
    assert model_speed(cached, [], 16)["latency_ms"] is None


def test_speed_takes_the_throughput_from_the_inference_stage_without_a_batch_call():
    calls = []

    def fn(batch):
        calls.append(len(batch))
        return constant(batch)

    inputs = [(f"int f{i};",) for i in range(40)]
    speed = model_speed(CallableClassifier(fn, "c"), inputs, 16, computed=(1200, 3.0))
    assert calls == [1] * (1 + SINGLES)  # warm-up and singles only
    assert speed["throughput"] == pytest.approx(400.0)
    assert (speed["throughput_source"], speed["throughput_inputs"]) == ("inference", 1200)
    assert speed["inputs"] == 1 + SINGLES
    without_inputs = model_speed(CallableClassifier(fn, "c"), [], 16, computed=(10, 0.5))
    assert without_inputs["latency_ms"] is None and without_inputs["throughput"] == 20.0
