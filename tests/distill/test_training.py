"""The shared training loop: learning curves, early stopping, CPU budget, mid-epoch resume."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metacompress.distill.checkpoints import Checkpoints
from metacompress.distill.training import FitSettings, fit, micro_batches, stop_reason

N = 64


def problem(init_seed: int = 0):
    """A linear model on a separable toy problem (always the same data) and its `loss_of`."""
    rng = np.random.default_rng(0)
    x = torch.as_tensor(rng.normal(size=(N, 4)), dtype=torch.float32)
    y = (x[:, 0] > 0).long()
    torch.manual_seed(init_seed)
    model = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(4, 2))

    def loss_of(index, _step):
        return torch.nn.functional.cross_entropy(model(x[index]), y[index])

    return model, loss_of


def scripted(values):
    """An `evaluate` that reports the given metric values in turn."""
    it = iter(values)
    return lambda: {"valid_accuracy": next(it)}


def test_history_is_a_learning_curve_with_cpu_and_wall_time():
    model, loss_of = problem()
    settings = FitSettings(3, 0.1, 8, eval_every=4)
    history = fit(model, [5] * N, loss_of, settings)
    assert [h["step"] for h in history] == [4 * k for k in range(1, 7)]
    assert history[-1]["epoch"] == 3 and history[0]["epoch"] == 0.5
    assert [h["examples"] for h in history][:2] == [32, 64]
    assert all(b["cpu_s"] >= a["cpu_s"] for a, b in zip(history, history[1:], strict=False))
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert stop_reason(history) == "steps"


def test_patience_stops_and_the_best_evaluation_is_kept(tmp_path):
    model, loss_of = problem()
    seen = []

    def evaluate():
        seen.append({k: v.clone() for k, v in model.state_dict().items()})
        return {"valid_accuracy": [0.5, 0.9, 0.7, 0.6, 0.8, 0.95][len(seen) - 1]}

    settings = FitSettings(10, 0.1, 8, eval_every=2, patience=3, select_metric="valid_accuracy")
    history = fit(model, [5] * N, loss_of, settings, evaluate)
    assert [h["valid_accuracy"] for h in history] == [0.5, 0.9, 0.7, 0.6, 0.8]
    assert stop_reason(history) == "patience"
    for name, value in model.state_dict().items():
        assert torch.equal(value, seen[1][name])


def test_cpu_budget_stops_at_the_first_evaluation_past_it():
    model, loss_of = problem()
    settings = FitSettings(10, 0.1, 8, eval_every=2, cpu_budget_s=1e-9)
    history = fit(model, [5] * N, loss_of, settings)
    assert len(history) == 1 and stop_reason(history) == "budget"


def test_resume_mid_epoch_gives_the_same_run(tmp_path):
    settings = FitSettings(2, 0.05, 8, eval_every=3, select_metric="valid_accuracy")
    values = [0.1 * k for k in range(1, 7)]

    model, loss_of = problem()
    full = fit(model, [5] * N, loss_of, settings, scripted(values), Checkpoints(tmp_path / "a"))
    final = {k: v.clone() for k, v in model.state_dict().items()}

    model, loss_of = problem()
    checkpoints = Checkpoints(tmp_path / "b", keep=3)
    fit(model, [5] * N, loss_of, settings, scripted(values), checkpoints)
    # A crash after step 12 (mid-epoch 2): the checkpoints of steps 15 and 16 are lost.
    latest = checkpoints.latest()
    assert latest is not None and latest.name == "step-16"
    import shutil

    shutil.rmtree(latest)
    shutil.rmtree(checkpoints.root / "step-15")
    model, loss_of = problem(init_seed=1)  # other initial weights: everything must come from disk
    resumed = fit(model, [5] * N, loss_of, settings, scripted(values[4:]), checkpoints)

    def learned(records):
        return [{k: v for k, v in r.items() if k not in ("cpu_s", "wall_s")} for r in records]

    assert [r.keys() for r in learned(resumed)] == [r.keys() for r in learned(full)]
    for a, b in zip(learned(resumed), learned(full), strict=True):
        assert a == {k: pytest.approx(v) if isinstance(v, float) else v for k, v in b.items()}
    for name, value in model.state_dict().items():
        assert torch.allclose(value, final[name], atol=1e-6)


def test_micro_batches_respect_the_token_budget_and_cover_the_batch():
    lengths = [10, 50, 20, 40, 30, 5]
    parts = micro_batches([0, 1, 2, 3, 4, 5], lengths, 80)
    assert sorted(i for p in parts for i in p) == [0, 1, 2, 3, 4, 5]
    assert all(len(p) == 1 or len(p) * max(lengths[i] for i in p) <= 80 for p in parts)
    assert micro_batches([0, 1], lengths, 0) == [[0, 1]]
    assert micro_batches([0, 2], lengths, 1000) == [[0, 2]]


def test_micro_batching_gives_the_same_updates_as_whole_batches():
    lengths = np.random.default_rng(3).integers(1, 20, size=N)
    finals = []
    for budget in (0, 30):
        model, loss_of = problem()
        model[0].p = 0.0  # no dropout: the two runs must agree exactly
        fit(model, lengths, loss_of, FitSettings(2, 0.1, 16, max_batch_tokens=budget))
        finals.append(model.state_dict())
    for name, value in finals[0].items():
        assert torch.allclose(value, finals[1][name], atol=1e-6)


def test_each_step_trains_with_dropout_on_at_the_scheduled_rate(monkeypatch):
    """16 steps with a quarter of warm-up: the rates 1/4, 2/4, 3/4, 1 then (16 - s) / 12 for
    steps s = 4..15 (transformers' linear schedule, a step earlier in the warm-up); dropout on
    in every step, the model in eval mode after the fit."""
    model, loss_of = problem()
    modes: list[bool] = []
    rates: list[float] = []
    step = torch.optim.AdamW.step

    def recording_step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    def recording_loss(index, at):
        modes.append(model.training)
        return loss_of(index, at)

    monkeypatch.setattr(torch.optim.AdamW, "step", recording_step)
    fit(model, [5] * N, recording_loss, FitSettings(2, 1.0, 8, warmup_fraction=0.25))
    assert rates == pytest.approx([0.25, 0.5, 0.75, 1.0] + [(16 - s) / 12 for s in range(4, 16)])
    assert modes == [True] * 16 and not model.training
