"""The training loop shared by teachers and students, and what it needs around it.

`fit` trains a torch model with AdamW and a linear schedule (warm-up over the first
`warmup_fraction` of the steps, then linear decay to 0 after the last step), clips gradients at
1.0 and draws its batches with `batching.epoch_batches` (shuffled per (seed, epoch),
length-bucketed, padded per batch). The caller supplies `loss_of(indices, step)`, which builds
the batch and returns its loss, so one loop serves sequence classifiers, masked LMs, pair
models and graph models alike; randomness a loss draws itself (token masking) is seeded by
`step`, so a resumed run draws the same.

Evaluation happens every `eval_every` steps (every epoch when 0) and after the last step; each
evaluation appends a record to the history (step, epoch, examples seen, mean training loss
since the previous record, CPU seconds and wall seconds used by this fit so far, and the
caller's validation metrics), which makes the history a learning curve. With `select_metric`
the model ends with the weights of the best evaluation; with `patience` the fit stops after
that many evaluations without a better value (early stopping); with `cpu_budget_s` it stops at
the first evaluation after it has used that much CPU time (`time.process_time`, all threads);
the last record says why it stopped (`stop`).
With a `Checkpoints` folder a checkpoint is saved at every evaluation and a new call resumes
from the latest one, mid-epoch included.

Memory: with `max_batch_tokens`, a batch whose padded size (examples x longest sequence) is
larger is run as micro-batches of at most that size, each loss weighted by its share of the
batch's examples and the gradients accumulated before the one optimizer step: the same
update as the whole batch for a loss that is a mean over examples, with the activation memory
of the micro-batch (attention alone holds batch x heads x length^2 floats per layer); and
`memory.release_freed_heap` after each step keeps tensors of changing shapes from piling up
free heap pages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.distill.batching import POOL_BATCHES, epoch_batches
from metacompress.distill.checkpoints import Checkpoints
from metacompress.distill.encoding import pad_batch
from metacompress.distill.memory import release_freed_heap
from metacompress.progress import progress

MAX_GRAD_NORM = 1.0
MLM_PROBABILITY = 0.15
LOG = logging.getLogger("metacompress.distill")

LossOf = Callable[[list[int], int], Any]


@dataclass(frozen=True)
class FitSettings:
    """Optimisation settings of one `fit` call (see the module docstring)."""

    epochs: int
    learning_rate: float
    batch_size: int
    seed: int = 0
    weight_decay: float = 0.0
    select_metric: str | None = None
    desc: str = "train"
    eval_every: int = 0
    patience: int = 0
    cpu_budget_s: float = 0.0
    max_steps: int = 0
    max_batch_tokens: int = 0
    warmup_fraction: float = 0.1
    pool_batches: int = POOL_BATCHES

    def total_steps(self, n: int) -> int:
        per_epoch = max(1, -(-n // self.batch_size))
        planned = per_epoch * self.epochs
        return min(planned, self.max_steps) if self.max_steps else planned


def micro_batches(
    batch: list[int], lengths: Sequence[int] | np.ndarray, max_tokens: int
) -> list[list[int]]:
    """`batch` cut into parts of at most `max_tokens` padded tokens each (part size x its
    longest sequence; at least one example a part), longest sequences first; the whole batch
    when `max_tokens` is 0 or it fits."""
    sizes = np.asarray(lengths)[batch]
    if not max_tokens or len(batch) * int(sizes.max()) <= max_tokens:
        return [batch]
    order = [batch[i] for i in np.argsort(-sizes, kind="stable")]
    parts: list[list[int]] = []
    for index in order:
        longest = int(lengths[parts[-1][0]]) if parts else 0
        if parts and (len(parts[-1]) + 1) * longest <= max_tokens:
            parts[-1].append(index)
        else:
            parts.append([index])
    return parts


def _linear_schedule(optimizer: Any, warmup: int, total: int) -> Any:
    import torch

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


@dataclass
class _Counters:
    step: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    best_value: float = -np.inf
    since_best: int = 0
    loss_sum: float = 0.0
    loss_steps: int = 0


def fit(
    model: Any,
    lengths: Sequence[int] | np.ndarray,
    loss_of: LossOf,
    settings: FitSettings,
    evaluate: Callable[[], dict[str, float]] | None = None,
    checkpoints: Checkpoints | None = None,
) -> list[dict[str, float]]:
    """Train `model` on the examples whose sequence lengths are `lengths`; returns the
    evaluation records (the learning curve). See the module docstring."""
    import torch

    n = len(lengths)
    per_epoch = max(1, -(-n // settings.batch_size))
    total = settings.total_steps(n)
    every = settings.eval_every or per_epoch
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    scheduler = _linear_schedule(optimizer, int(settings.warmup_fraction * total), total)
    history: list[dict[str, float]] = []
    counters = _Counters()
    best_state = None
    if checkpoints is not None and (latest := checkpoints.latest()) is not None:
        state, history = checkpoints.load(latest)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"])
        counters = _Counters(**state["counters"])
        best_state = checkpoints.load_best()
    stopped = _stop_reason(history, settings, counters, total)
    epoch_cache: dict[int, list[list[int]]] = {}
    cpu0, wall0 = time.process_time() - counters.cpu_s, time.time() - counters.wall_s
    model.train()
    steps = progress(range(counters.step, total if not stopped else counters.step), settings.desc)
    for step in steps:
        epoch, position = divmod(step, per_epoch)
        if epoch not in epoch_cache:
            epoch_cache.clear()
            epoch_cache[epoch] = epoch_batches(
                lengths,
                settings.batch_size,
                settings.seed,
                epoch,
                pool_batches=settings.pool_batches,
            )
        batch = epoch_cache[epoch][position]
        optimizer.zero_grad(set_to_none=True)
        batch_loss = 0.0
        for part in micro_batches(batch, lengths, settings.max_batch_tokens):
            loss = loss_of(part, step) * (len(part) / len(batch))
            loss.backward()
            batch_loss += float(loss.detach())
        torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
        optimizer.step()
        scheduler.step()
        release_freed_heap()
        counters.step = step + 1
        counters.loss_sum += batch_loss
        counters.loss_steps += 1
        if counters.step % every and counters.step != total:
            continue
        record = {
            "step": counters.step,
            "epoch": round(counters.step / per_epoch, 4),
            "examples": min(counters.step * settings.batch_size, n * settings.epochs),
            "train_loss": counters.loss_sum / max(counters.loss_steps, 1),
        }
        counters.loss_sum, counters.loss_steps = 0.0, 0
        if evaluate is not None:
            record.update(evaluate())
            model.train()
        counters.cpu_s = time.process_time() - cpu0
        counters.wall_s = time.time() - wall0
        record["cpu_s"] = round(counters.cpu_s, 2)
        record["wall_s"] = round(counters.wall_s, 2)
        improved = False
        if settings.select_metric and record.get(settings.select_metric, -np.inf) > (
            counters.best_value
        ):
            counters.best_value = float(record[settings.select_metric])
            counters.since_best = 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            improved = True
        else:
            counters.since_best += 1
        history.append(record)
        reason = _stop_reason(history, settings, counters, total)
        if reason:
            record["stop"] = reason
        LOG.info("%s %s", settings.desc, _brief(record))
        if checkpoints is not None:
            if improved:
                checkpoints.save_best(best_state)
            checkpoints.save(
                counters.step,
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "rng": torch.get_rng_state(),
                    "counters": vars(counters),
                },
                history,
            )
        if reason:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


def _stop_reason(
    history: list[dict], settings: FitSettings, counters: _Counters, total: int
) -> str | None:
    """Why the fit is over ("steps", "patience", "budget"), or None."""
    if history and history[-1].get("stop"):
        return history[-1]["stop"]
    if counters.step >= total:
        return "steps"
    if not history:
        return None
    if settings.patience and settings.select_metric and counters.since_best >= settings.patience:
        return "patience"
    if settings.cpu_budget_s and counters.cpu_s >= settings.cpu_budget_s:
        return "budget"
    return None


def stop_reason(history: list[dict]) -> str | None:
    """Why a fit with this history stopped ("steps", "patience", "budget"), None if it has
    not (the last evaluation record carries the reason as `stop`)."""
    return history[-1].get("stop") if history else None


def _brief(record: dict[str, float]) -> str:
    return " ".join(
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()
    )


def sequence_loss(
    model: Any,
    sequences: Any,
    targets: np.ndarray,
    loss_fn: Callable[[Any, Any], Any],
    pad_id: int,
) -> LossOf:
    """`loss_of` for a sequence classifier: `loss_fn(logits, targets[indices])`."""
    import torch

    target_tensor = torch.as_tensor(targets)

    def loss_of(index: list[int], _step: int) -> Any:
        ids, mask = pad_batch([sequences[i] for i in index], pad_id)
        logits = model(input_ids=ids, attention_mask=mask).logits
        return loss_fn(logits, target_tensor[index])

    return loss_of


def predict_logits(
    model: Any, sequences: Sequence[Sequence[int]], pad_id: int, batch_size: int = 64
) -> np.ndarray:
    """Logits of `model` for each sequence, batched by similar length, in input order."""
    import torch

    model.eval()
    order = np.argsort([len(s) for s in sequences], kind="stable")
    out: list[np.ndarray] = []
    with torch.inference_mode():
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
    """Accuracy, precision, recall and F1 of the positive class (`metacompress.stats.metrics`),
    over the examples whose label is not -1."""
    from metacompress.stats import metrics

    keep = labels >= 0
    if not keep.any():
        return {}
    pred = metrics.predicted_labels(probs[keep])
    gold = labels[keep]
    return {
        "accuracy": metrics.accuracy(gold, pred),
        "precision": metrics.precision(gold, pred),
        "recall": metrics.recall(gold, pred),
        "f1": metrics.f1(gold, pred),
    }
