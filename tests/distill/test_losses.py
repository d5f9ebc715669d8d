"""Distillation losses against direct formulas."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metacompress.distill.losses import kd_kl_loss, morph_loss, teacher_log_probs


def _softmax(z, t=1.0):
    e = np.exp(z / t - (z / t).max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture
def logits():
    rng = np.random.default_rng(0)
    return rng.normal(size=(6, 2)) * 3, rng.normal(size=(6, 2)) * 3


@pytest.mark.parametrize("t", [1.0, 2.0, 10.0])
def test_kl_loss_is_t_squared_kl_of_softened_teacher_logits(logits, t):
    student, teacher = logits
    q, s = _softmax(teacher, t), _softmax(student, t)
    expected = t * t * np.mean(np.sum(q * (np.log(q) - np.log(s)), axis=1))
    probs = _softmax(teacher)
    got = kd_kl_loss(
        torch.tensor(student, dtype=torch.float32), torch.tensor(teacher_log_probs(probs)), t
    )
    assert float(got) == pytest.approx(expected, rel=1e-4)


def test_kl_loss_is_zero_when_student_matches_teacher(logits):
    _, teacher = logits
    log_p = torch.tensor(teacher_log_probs(_softmax(teacher)))
    assert float(kd_kl_loss(log_p + 5.0, log_p, 10.0)) == pytest.approx(0.0, abs=1e-6)


def test_morph_loss_is_soft_cross_entropy_plus_cosine_distance(logits):
    student, teacher = logits
    t = 10.0
    q, s = _softmax(teacher, t), _softmax(student, t)
    ce = -np.mean(np.sum(q * np.log(s), axis=1))
    cos = np.mean(np.sum(q * s, axis=1) / (np.linalg.norm(q, axis=1) * np.linalg.norm(s, axis=1)))
    got = morph_loss(
        torch.tensor(student, dtype=torch.float32),
        torch.tensor(teacher_log_probs(_softmax(teacher))),
        t,
    )
    assert float(got) == pytest.approx(ce + 1 - cos, rel=1e-4)
    matched = torch.tensor(teacher_log_probs(_softmax(teacher)))
    entropy = -np.mean(np.sum(q * np.log(q), axis=1))
    assert float(morph_loss(matched, matched, t)) == pytest.approx(entropy, rel=1e-4)


def test_teacher_probabilities_floor_zeros():
    log_p = teacher_log_probs(np.array([[1.0, 0.0]]))
    assert np.isfinite(log_p).all() and log_p.dtype == np.float32
