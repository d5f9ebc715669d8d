"""Teacher training: pre-train on the task's code, fine-tune, keep the best validation epoch.

Architectures (`arch`): "roberta", the CodeBERT-like teacher (`teacher_arch`: a sequence
classifier for vulnerability, CodeXGLUE's pair model for clone), and "graphcodebert", the same
encoder fed code tokens plus the data-flow graph (`graphcodebert_teacher`).

With `init` (a hub id such as microsoft/codebert-base or microsoft/graphcodebert-base, or a
local folder) the checkpoint's tokenizer and encoder are fine-tuned in the architecture's
shape (CodeXGLUE's recipe: AdamW, lr 2e-5, linear schedule).
Offline, a byte-level BPE tokenizer is trained on the pre-training code and an encoder of a
size preset is built; with `mlm_pretrain` it is first pre-trained on that code (masked LM, plus
the data-flow objectives for graphcodebert) and saved as `out_dir/mlm/`, then fine-tuned.

The pre-training code (`pretrain_codes`) defaults to the training examples' code; give all
the task's unlabelled functions (both halves of the training data, BigCloneBench's whole
function file) to pre-train on more. Each stage checkpoints at every evaluation under
`out_dir/checkpoints/` and `resume=True` continues from there; token sequences are cached
under `out_dir/cache/`. Fine-tuning evaluates on the validation set every `eval_every` steps
(every epoch when 0); the teacher kept is the evaluation with the best validation accuracy
(vulnerability) or F1 (clone), as CodeXGLUE selects them, and `patience` stops early.
`metrics.json` holds the settings, the kept evaluation (`best`), both learning curves (metric
against steps, CPU seconds and wall seconds) and why each stage stopped. The result is `out_dir/metacompress-model.yaml`.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from metacompress.atomic import write_atomic
from metacompress.data.types import TASKS, Example
from metacompress.distill.checkpoints import Checkpoints
from metacompress.distill.size import StudentArch, roberta_config
from metacompress.distill.tokenizer import TokenizerSpec, code_texts, train_tokenizer
from metacompress.distill.training import (
    FitSettings,
    classification_metrics,
    fit,
    stop_reason,
)
from metacompress.errors import ConfigError
from metacompress.registry import check_choice, check_range

ARCHS = ("roberta", "graphcodebert")


@dataclass(frozen=True)
class TeacherPreset:
    """Architecture and training settings of a teacher.

    eval_every: fine-tuning steps between validations (0: each epoch); patience: validations
    without improvement before stopping (0: never); cpu_budget_s / mlm_cpu_budget_s: CPU
    seconds after which fine-tuning / pre-training stop (0: none); valid_limit: validate on at
    most this many validation examples (a seeded sample; 0: all); dropout: hidden and
    attention dropout; data_flow_length: graph nodes per code (graphcodebert).
    """

    vocab_size: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    max_length: int
    epochs: int
    mlm_epochs: int
    batch_size: int
    learning_rate: float
    mlm_learning_rate: float
    eval_every: int = 0
    patience: int = 0
    cpu_budget_s: float = 0.0
    mlm_cpu_budget_s: float = 0.0
    weight_decay: float = 0.0
    dropout: float = 0.1
    valid_limit: int = 0
    mlm_batch_size: int = 0
    data_flow_length: int = 64

    def __post_init__(self) -> None:
        check_range("epochs", self.epochs, 1, 1000)
        check_range("mlm_epochs", self.mlm_epochs, 0, 1000)
        check_range("max_length", self.max_length, 8, 100_000)
        check_range("batch_size", self.batch_size, 1, 100_000)
        check_range("dropout", self.dropout, 0.0, 0.9)


#: tiny: seconds to a minute on 2 CPU cores for a few hundred short functions; small: a real
#: but fast model; base: CodeBERT's shape (125M parameters), for a GPU.
PRESETS = {
    "tiny": TeacherPreset(2000, 64, 2, 4, 256, 128, 10, 1, 8, 5e-4, 1e-3),
    "small": TeacherPreset(8000, 256, 4, 4, 1024, 256, 5, 2, 16, 3e-4, 5e-4),
    "base": TeacherPreset(50265, 768, 12, 12, 3072, 512, 5, 1, 32, 2e-5, 1e-4),
}
#: Fine-tuning a pre-trained checkpoint (CodeXGLUE defect detection: 5 epochs, lr 2e-5, batch 32).
INIT_PRESET = TeacherPreset(0, 0, 0, 0, 0, 512, 5, 1, 32, 2e-5, 5e-5)


def select_metric(task: str) -> str:
    """The validation metric a teacher is selected by: accuracy (Devign), F1 (BigCloneBench)."""
    return "f1" if task == "clone" else "accuracy"


def _labelled(examples: Sequence[Example], what: str) -> list[Example]:
    kept = [e for e in examples if e.label is not None]
    if not kept:
        raise ConfigError(f"{what}: expected labelled examples, got none with a label")
    return kept


def _sample(examples: list[Example], limit: int, seed: int) -> list[Example]:
    import numpy as np

    if not limit or limit >= len(examples):
        return examples
    keep = np.sort(np.random.default_rng(seed + 2).permutation(len(examples))[:limit])
    return [examples[i] for i in keep]


def resolve_settings(preset: str | TeacherPreset, init: str | None, **overrides: Any):
    """The preset (a name or a TeacherPreset; INIT_PRESET with `init`) with the non-None
    overrides applied."""
    if isinstance(preset, TeacherPreset):
        base = preset
    else:
        check_choice("preset", preset, sorted(PRESETS))
        base = INIT_PRESET if init is not None else PRESETS[preset]
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})


def _tokenizer(texts: list[str], settings: TeacherPreset, out: Path, resume: bool) -> Any:
    """The teacher's BPE tokenizer, trained once and kept in `out/tokenizer/` for resuming."""
    from transformers import AutoTokenizer

    folder = out / "tokenizer"
    if resume and (folder / "tokenizer.json").is_file():
        return AutoTokenizer.from_pretrained(folder)
    tokenizer = train_tokenizer(
        texts, TokenizerSpec("bpe", settings.vocab_size), settings.max_length
    )
    tokenizer.save_pretrained(folder)
    return tokenizer


def _config(tokenizer: Any, settings: TeacherPreset, graph: bool) -> Any:
    """The encoder's config; a graph model needs positions for the data-flow nodes too."""
    arch = StudentArch(
        len(tokenizer),
        settings.num_layers,
        settings.hidden_size,
        settings.intermediate_size,
        settings.num_heads,
        settings.max_length + (settings.data_flow_length if graph else 0),
    )
    return roberta_config(
        arch,
        hidden_dropout_prob=settings.dropout,
        attention_probs_dropout_prob=settings.dropout,
    )


def build_teacher(
    arch: str,
    task: str,
    settings: TeacherPreset,
    texts: list[str],
    out: Path,
    init: str | None,
    resume: bool,
) -> Any:
    """The untrained teacher (`teacher_arch` / `graphcodebert_teacher` object)."""
    from metacompress.distill.teacher_arch import PairTeacher, SequenceTeacher

    if init is not None:
        from transformers import AutoConfig, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(init)
        config = AutoConfig.from_pretrained(init)
        limit = config.max_position_embeddings - 2
        if settings.max_length > limit:
            raise ConfigError(
                f"max_length must be at most {limit} for {init}, got {settings.max_length}"
            )
    else:
        tokenizer = _tokenizer(texts, settings, out, resume)
        config = _config(tokenizer, settings, arch == "graphcodebert")
    cache = out / "cache"
    if arch == "graphcodebert":
        from metacompress.distill.graphcodebert_teacher import GraphTeacher

        teacher = GraphTeacher.build(config, tokenizer, settings, task, cache)
    else:
        kind = PairTeacher if task == "clone" else SequenceTeacher
        teacher = kind.build(config, tokenizer, settings.max_length, cache)
    if init is not None:
        from transformers import RobertaModel

        state = RobertaModel.from_pretrained(init, add_pooling_layer=False).state_dict()
        teacher.encoder.load_state_dict(state, strict=False)
    return teacher


def train_teacher(
    examples_train: Sequence[Example],
    examples_valid: Sequence[Example],
    task: str,
    out_dir: str | Path,
    preset: str | TeacherPreset = "tiny",
    mlm_pretrain: bool = True,
    epochs: int | None = None,
    seed: int = 0,
    *,
    arch: str = "roberta",
    init: str | None = None,
    pretrain_codes: Sequence[str] | None = None,
    max_length: int | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    mlm_epochs: int | None = None,
    resume: bool = False,
) -> Path:
    """Train a teacher classifier on `examples_train`; returns the path of its model spec.

    See the module docstring. `preset` is tiny, small, base or a TeacherPreset (ignored with
    `init`, whose settings follow CodeXGLUE); the keyword arguments override it.
    """
    import torch
    import torch.nn.functional as F

    check_choice("task", task, TASKS)
    check_choice("arch", arch, ARCHS)
    started = time.time()
    train = _labelled(examples_train, "teacher training data")
    settings = resolve_settings(
        preset,
        init,
        epochs=epochs,
        max_length=max_length,
        batch_size=batch_size,
        learning_rate=learning_rate,
        mlm_epochs=mlm_epochs,
    )
    valid = _sample([e for e in examples_valid if e.label is not None], settings.valid_limit, seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not resume:
        for stale in ("checkpoints", "mlm", "tokenizer"):
            shutil.rmtree(out / stale, ignore_errors=True)
    torch.manual_seed(seed)
    codes = (
        list(pretrain_codes) if pretrain_codes is not None else code_texts(e.inputs for e in train)
    )
    teacher = build_teacher(arch, task, settings, codes, out, init, resume)
    history: dict[str, Any] = {}
    stopped: dict[str, str] = {}
    if mlm_pretrain and settings.mlm_epochs > 0:
        mlm_settings = FitSettings(
            settings.mlm_epochs,
            settings.mlm_learning_rate,
            settings.mlm_batch_size or settings.batch_size,
            seed,
            desc="pre-training",
            eval_every=settings.eval_every,
            cpu_budget_s=settings.mlm_cpu_budget_s,
        )
        teacher.pretrain(
            codes, mlm_settings, out / "mlm", Checkpoints(out / "checkpoints" / "mlm"), init
        )
        history["mlm"] = json.loads((out / "mlm" / "metrics.json").read_text())
        stopped["mlm"] = stop_reason(history["mlm"])
    torch.manual_seed(seed + 1)
    train_data = teacher.prepare(train)
    valid_data = teacher.prepare(valid) if valid else None
    metric = select_metric(task)

    def validate() -> dict[str, float]:
        probs = teacher.predict(valid_data)
        return {
            f"valid_{k}": v for k, v in classification_metrics(probs, valid_data.labels).items()
        }

    fit_settings = FitSettings(
        settings.epochs,
        settings.learning_rate,
        settings.batch_size,
        seed,
        weight_decay=settings.weight_decay,
        select_metric=f"valid_{metric}" if valid else None,
        desc="fine-tuning",
        eval_every=settings.eval_every,
        patience=settings.patience,
        cpu_budget_s=settings.cpu_budget_s,
    )
    history["classifier"] = fit(
        teacher.model,
        train_data.lengths,
        teacher.loss_of(train_data, F.cross_entropy),
        fit_settings,
        evaluate=validate if valid else None,
        checkpoints=Checkpoints(out / "checkpoints" / "classifier"),
    )
    stopped["classifier"] = stop_reason(history["classifier"])
    spec = teacher.save(out, task)
    curve = history["classifier"]
    best = max(curve, key=lambda h: h.get(f"valid_{metric}", -1.0)) if valid and curve else None
    record = {
        "task": task,
        "arch": arch,
        "format": teacher.format_name,
        "init": init,
        "preset": preset if isinstance(preset, str) and init is None else None,
        "settings": asdict(settings),
        "mlm_pretrain": bool(mlm_pretrain),
        "seed": seed,
        "train_examples": len(train),
        "valid_examples": len(valid),
        "pretrain_codes": len(codes) if mlm_pretrain else 0,
        "parameters": int(sum(p.numel() for p in teacher.model.parameters())),
        "seconds": round(time.time() - started, 2),
        "stopped": stopped,
        "best": best,
        "history": history,
    }
    write_atomic(out / "metrics.json", json.dumps(record, indent=1))  # last: marks it finished
    return spec
