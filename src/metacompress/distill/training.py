"""Training loops shared by teachers and students: fit, predict, masked-LM pre-training.

`fit` trains a transformers model on pre-encoded sequences with AdamW and a linear schedule
with 10 % warm-up (the schedule of the three methods' replication packages), clips gradients at
1.0, shuffles with a generator seeded by (seed, epoch) so a resumed run sees the same order,
calls `on_epoch_end` for validation metrics, keeps the best epoch by a metric, and, given a
checkpoint folder, saves one checkpoint per epoch and resumes from the latest.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.distill.encoding import pad_batch
from metacompress.progress import progress

WARMUP_FRACTION = 0.1
MAX_GRAD_NORM = 1.0
MLM_PROBABILITY = 0.15


@dataclass(frozen=True)
class FitSettings:
    """Optimisation settings of one `fit` call."""

    epochs: int
    learning_rate: float
    batch_size: int
    seed: int = 0
    weight_decay: float = 0.0
    select_metric: str | None = None
    desc: str = "train"


def batches(n: int, batch_size: int, seed: int, epoch: int, shuffle: bool = True):
    """Index batches of one epoch, in an order fixed by (seed, epoch)."""
    import torch

    if shuffle:
        generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
        order = torch.randperm(n, generator=generator).tolist()
    else:
        order = list(range(n))
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


class Checkpoints:
    """One folder per completed epoch N (`epoch-N/state.pt` + `history.json`), the latest
    `keep` kept, plus `best/model.pt`.

    The state holds the model, optimizer and scheduler state dicts, torch's random state (so a
    resumed run draws the same dropout masks) and N; it is loaded with `weights_only=True`.
    """

    def __init__(self, root: Path, keep: int = 2) -> None:
        self.root = Path(root)
        self.keep = keep

    def latest(self) -> Path | None:
        done = [p for p in self.root.glob("epoch-*") if (p / "history.json").is_file()]
        return max(done, key=lambda p: int(p.name.split("-")[1]), default=None)

    def save(self, epoch: int, state: dict[str, Any], history: list[dict]) -> None:
        import torch

        folder = self.root / f"epoch-{epoch}"
        folder.mkdir(parents=True, exist_ok=True)
        torch.save(state, folder / "state.pt")
        (folder / "history.json").write_text(json.dumps(history, indent=1))
        epochs = sorted(int(p.name.split("-")[1]) for p in self.root.glob("epoch-*"))
        for old in epochs[: max(0, len(epochs) - self.keep)]:
            shutil.rmtree(self.root / f"epoch-{old}", ignore_errors=True)

    def save_best(self, model_state: dict[str, Any]) -> None:
        import torch

        (self.root / "best").mkdir(parents=True, exist_ok=True)
        torch.save(model_state, self.root / "best" / "model.pt")

    def load(self, folder: Path) -> tuple[dict[str, Any], list[dict]]:
        import torch

        state = torch.load(folder / "state.pt", weights_only=True)
        return state, json.loads((folder / "history.json").read_text())

    def load_best(self) -> dict[str, Any] | None:
        import torch

        path = self.root / "best" / "model.pt"
        return torch.load(path, weights_only=True) if path.is_file() else None


def fit(
    model: Any,
    sequences: Sequence[Sequence[int]],
    targets: np.ndarray,
    loss_fn: Callable[[Any, Any], Any],
    settings: FitSettings,
    pad_id: int,
    on_epoch_end: Callable[[int], dict[str, float]] | None = None,
    checkpoints: Checkpoints | None = None,
    forward: Callable[[Any, Any, Any], Any] | None = None,
) -> list[dict[str, float]]:
    """Train `model` on (sequences, targets); returns one record per epoch.

    `loss_fn(output, target_batch)` gets the model's logits (or, with `forward`, whatever
    `forward(model, ids, mask)` returns). With `settings.select_metric`, the model ends with the
    weights of the epoch where `on_epoch_end` reported the highest value of that metric.
    """
    import torch
    from transformers import get_linear_schedule_with_warmup

    n = len(sequences)
    per_epoch = max(1, -(-n // settings.batch_size))
    total = per_epoch * settings.epochs
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    scheduler = get_linear_schedule_with_warmup(optimizer, int(WARMUP_FRACTION * total), total)
    history: list[dict[str, float]] = []
    best_value, best_state = -np.inf, None
    start = 0
    if checkpoints is not None and (latest := checkpoints.latest()) is not None:
        state, history = checkpoints.load(latest)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"])
        start = int(state["epoch"])
        best_state = checkpoints.load_best()
        if settings.select_metric:
            best_value = max(
                (h[settings.select_metric] for h in history if settings.select_metric in h),
                default=-np.inf,
            )
    target_tensor = torch.as_tensor(targets)
    run = forward or (lambda m, ids, mask: m(input_ids=ids, attention_mask=mask).logits)
    for epoch in range(start, settings.epochs):
        model.train()
        total_loss, steps = 0.0, 0
        for index in progress(
            batches(n, settings.batch_size, settings.seed, epoch),
            desc=f"{settings.desc} epoch {epoch + 1}/{settings.epochs}",
            total=per_epoch,
        ):
            ids, mask = pad_batch([sequences[i] for i in index], pad_id)
            loss = loss_fn(run(model, ids, mask), target_tensor[index])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
            optimizer.step()
            scheduler.step()
            total_loss += float(loss.detach())
            steps += 1
        record = {"epoch": epoch + 1, "train_loss": total_loss / max(steps, 1)}
        if on_epoch_end is not None:
            record.update(on_epoch_end(epoch))
        history.append(record)
        improved = False
        if settings.select_metric and record.get(settings.select_metric, -np.inf) > best_value:
            best_value = record[settings.select_metric]
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            improved = True
        if checkpoints is not None:
            if improved:
                checkpoints.save_best(best_state)
            checkpoints.save(
                epoch + 1,
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "rng": torch.get_rng_state(),
                    "epoch": epoch + 1,
                },
                history,
            )
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def predict_logits(
    model: Any, sequences: Sequence[Sequence[int]], pad_id: int, batch_size: int = 64
) -> np.ndarray:
    """Logits of `model` for each sequence, batched by similar length, in input order."""
    import torch

    model.eval()
    order = np.argsort([len(s) for s in sequences], kind="stable")
    out: list[np.ndarray] = []
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            ids, mask = pad_batch([sequences[i] for i in index], pad_id)
            out.append(model(input_ids=ids, attention_mask=mask).logits.float().numpy())
    if not out:
        return np.zeros((0, 2), dtype=np.float32)
    logits = np.concatenate(out)
    result = np.empty_like(logits)
    result[order] = logits
    return result


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a logit array."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def mask_tokens(ids: Any, mask: Any, mask_id: int, vocab_size: int, special_ids, generator):
    """BERT masking: 15 % of real, non-special tokens are targets; of those 80 % become
    `<mask>`, 10 % a random token, 10 % stay. Returns (masked ids, labels with -100 elsewhere).
    """
    import torch

    labels = ids.clone()
    candidates = mask.bool() & ~torch.isin(ids, torch.tensor(list(special_ids)))
    chosen = (torch.rand(ids.shape, generator=generator) < MLM_PROBABILITY) & candidates
    labels[~chosen] = -100
    masked = ids.clone()
    replace = (torch.rand(ids.shape, generator=generator) < 0.8) & chosen
    masked[replace] = mask_id
    randomise = (torch.rand(ids.shape, generator=generator) < 0.5) & chosen & ~replace
    masked[randomise] = torch.randint(len(special_ids), vocab_size, ids.shape, generator=generator)[
        randomise
    ]
    return masked, labels


def classification_metrics(probs: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of the positive class (labels -1 are skipped)."""
    keep = labels >= 0
    if not keep.any():
        return {}
    pred = probs[keep].argmax(axis=1)
    gold = labels[keep]
    tp = float(((pred == 1) & (gold == 1)).sum())
    precision = tp / max(float((pred == 1).sum()), 1.0)
    recall = tp / max(float((gold == 1).sum()), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": float((pred == gold).mean()),
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
