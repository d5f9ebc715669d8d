"""Distillation losses of the three methods, on student logits and teacher probabilities.

The teacher is queried through the model layer, which returns probabilities p, not logits z.
Nothing is lost: log p = z - logsumexp(z) differs from z by a per-row constant, and softmax is
shift-invariant, so the teacher's softened distribution is

    q_T = softmax(log p / T) = softmax(z / T).

Losses (student logits u, student softened distribution s_T = softmax(u / T)):
- `kd_kl_loss` (Compressor, AVATAR): T^2 * KL(q_T || s_T), averaged over the batch
  (Hinton et al.; Compressor uses T = 10, AVATAR T = 1 in their replication packages).
- `morph_loss` (MORPH): -sum q_T log s_T + (1 - cos(s_T, q_T)), averaged over the batch, at
  T = 10: soft cross-entropy plus a cosine term that aligns the shapes of the two outputs (the
  replication package compares the softened distributions, as here).
"""

from __future__ import annotations

import numpy as np

PROBABILITY_FLOOR = 1e-12


def teacher_log_probs(probs: np.ndarray) -> np.ndarray:
    """log p with p floored at 1e-12, as float32 (the teacher's logits up to a row constant)."""
    return np.log(np.clip(np.asarray(probs, dtype=np.float64), PROBABILITY_FLOOR, 1.0)).astype(
        np.float32
    )


def kd_kl_loss(student_logits, teacher_log_p, temperature: float):
    """T^2 * KL(softmax(teacher/T) || softmax(student/T)), batch mean."""
    import torch.nn.functional as F

    t = temperature
    target = F.softmax(teacher_log_p / t, dim=-1)
    return F.kl_div(F.log_softmax(student_logits / t, dim=-1), target, reduction="batchmean") * (
        t * t
    )


def morph_loss(student_logits, teacher_log_p, temperature: float):
    """Soft cross-entropy at T plus (1 - cosine similarity) of the softened outputs."""
    import torch.nn.functional as F

    t = temperature
    target = F.softmax(teacher_log_p / t, dim=-1)
    log_student = F.log_softmax(student_logits / t, dim=-1)
    soft_ce = -(target * log_student).sum(dim=-1).mean()
    cosine = F.cosine_similarity(log_student.exp(), target, dim=-1).mean()
    return soft_ce + (1.0 - cosine)


LOSSES = {"kl": kd_kl_loss, "morph": morph_loss}
