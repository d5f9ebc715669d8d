"""A RoBERTa config.json read without transformers: importing transformers' configuration
classes costs about 30 MB of resident memory, a tenth of what a 12-layer victim's process holds
besides its weights.

`LeanRobertaConfig` holds what transformers 5's `RobertaConfig` holds for the files this module
reads, and its `to_dict()` equals `RobertaConfig.to_dict()` (the model's fingerprint hashes it,
so the fingerprint is the same whichever code read the file):
- to_dict = DEFAULTS updated with the file's values, model_type "roberta";
- `torch_dtype` is renamed `dtype` (when no `dtype` is given);
- labels: a file with `id2label` keeps it with integer keys (and its `label2id`, or None);
  otherwise `num_labels` n (default 2) gives id2label {i: "LABEL_i"} and label2id its inverse.
  Setting `num_labels` to a different n rewrites both the same way.

It reads only a file whose reading it reproduces (`unreadable_reason`): model_type "roberta"
(or none, for a bare JSON file), every key one of DEFAULTS, the label and bookkeeping keys, or
LEGACY_KEYS (kept verbatim by transformers), each typed field of its declared type (transformers
checks types and refuses wrong ones). Any other file is read by transformers.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

#: transformers 5's `RobertaConfig().to_dict()` without its bookkeeping keys (labels, version,
#: name, dtype, model type).
DEFAULTS: dict[str, Any] = {
    "architectures": None, "output_hidden_states": False, "return_dict": True,
    "chunk_size_feed_forward": 0, "is_encoder_decoder": False, "problem_type": None,
    "vocab_size": 50265, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
    "intermediate_size": 3072, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 512, "type_vocab_size": 2,
    "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 1, "bos_token_id": 0,
    "eos_token_id": 2, "use_cache": True, "classifier_dropout": None, "is_decoder": False,
    "add_cross_attention": False, "tie_word_embeddings": True, "output_attentions": False,
}  # fmt: skip
#: Keys of older RoBERTa configs that transformers keeps verbatim.
LEGACY_KEYS = ("gradient_checkpointing", "output_past", "position_embedding_type")
#: Keys read apart from DEFAULTS (labels, bookkeeping).
OTHER_KEYS = (
    "model_type", "num_labels", "id2label", "label2id", "dtype", "torch_dtype",
    "transformers_version", "_name_or_path",
)  # fmt: skip
INT, FLOAT, NUMBER, STR, BOOL = (int,), (float,), (float, int), (str,), (bool,)
#: The declared type of each typed field (None allowed where the tuple holds type(None)).
TYPES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(
        ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
         "intermediate_size", "max_position_embeddings", "type_vocab_size",
         "chunk_size_feed_forward", "num_labels"), INT),
    **dict.fromkeys(("hidden_dropout_prob", "attention_probs_dropout_prob"), NUMBER),
    **dict.fromkeys(("initializer_range", "layer_norm_eps"), FLOAT),
    **dict.fromkeys(("pad_token_id", "bos_token_id", "eos_token_id"), (int, type(None))),
    "classifier_dropout": (float, int, type(None)),
    **dict.fromkeys(("hidden_act", "transformers_version", "_name_or_path"), STR),
    **dict.fromkeys(
        ("use_cache", "is_decoder", "add_cross_attention", "tie_word_embeddings",
         "output_hidden_states", "return_dict", "is_encoder_decoder", "output_attentions"), BOOL),
    **dict.fromkeys(("dtype", "torch_dtype"), (str, type(None))),
    "problem_type": (str, type(None)),
    "architectures": (list, type(None)),
    **dict.fromkeys(("id2label", "label2id"), (dict, type(None))),
}  # fmt: skip
PROBLEM_TYPES = (None, "regression", "single_label_classification", "multi_label_classification")


def unreadable_reason(data: dict[str, Any], bare: bool) -> str | None:
    """Why this module cannot read the config `data` as transformers does (None: it can);
    `bare`: a JSON file given by itself (no model_type means roberta)."""
    model_type = data.get("model_type", "roberta" if bare else None)
    if model_type != "roberta":
        return f"model_type is {model_type!r}, not roberta"
    unknown = sorted(set(data) - set(DEFAULTS) - set(LEGACY_KEYS) - set(OTHER_KEYS))
    if unknown:
        return f"it has keys this reader does not know: {', '.join(unknown[:5])}"
    for key, types in TYPES.items():
        value = data.get(key)
        if key in data and not (
            bool in types if isinstance(value, bool) else isinstance(value, types)
        ):
            return f"{key} is {value!r}, not of the type transformers declares"
    if data.get("problem_type") not in PROBLEM_TYPES:
        return f"problem_type {data['problem_type']!r} is not one transformers knows"
    if data.get("id2label") is not None and "num_labels" in data:
        return "it gives both id2label and num_labels"
    return None


class LeanRobertaConfig:
    """A RoBERTa config read by `read_config` (see the module docstring); its fields are
    attributes, as in transformers."""

    model_type = "roberta"

    def __init__(self, data: dict[str, Any]) -> None:
        values = {k: v for k, v in data.items() if k not in OTHER_KEYS}
        self.__dict__.update({**copy.deepcopy(DEFAULTS), **copy.deepcopy(values)})
        self._name_or_path = data.get("_name_or_path", "")
        self.dtype = data.get("dtype") or data.get("torch_dtype")
        id2label = data.get("id2label")
        if id2label is None:
            self.id2label: dict[int, str] | None = None
            self.label2id: dict[str, int] | None = None
            self.num_labels = data.get("num_labels", 2)
        else:
            self.id2label = {int(k): v for k, v in id2label.items()}
            self.label2id = copy.deepcopy(data.get("label2id"))

    @property
    def num_labels(self) -> int:
        return len(self.id2label or {})

    @num_labels.setter
    def num_labels(self, n: int) -> None:
        if self.id2label is None or len(self.id2label) != n:
            self.id2label = {i: f"LABEL_{i}" for i in range(n)}
            self.label2id = {label: i for i, label in self.id2label.items()}

    def to_dict(self) -> dict[str, Any]:
        """What transformers' `RobertaConfig.to_dict()` gives (without its version key)."""
        return {**copy.deepcopy(self.__dict__), "model_type": self.model_type}


def read_config(path: Path) -> LeanRobertaConfig | str:
    """The config of the JSON file `path` (a model folder's config.json, or a bare file), or
    why this module does not read it (transformers does)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"cannot read {str(path)!r}: {error}"
    if not isinstance(data, dict):
        return f"{str(path)!r} does not hold a JSON object"
    reason = unreadable_reason(data, bare=path.name != "config.json")
    if reason is not None:
        return f"the config is not one the lean reader reads: {reason}"
    if path.name == "config.json":
        data = {**data, "_name_or_path": str(path.parent)}
    return LeanRobertaConfig(data)
