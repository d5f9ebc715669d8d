"""Format `transformers`: a Hugging Face sequence classifier and its tokenizer.

Spec keys: `path` (a folder saved with save_pretrained, or a hub id), `task`, `max_length`
(default: what the position embeddings and the tokenizer allow), `tokenizer` (default: `path`),
`positive_column` (default 1). One input is encoded as `tokenizer(code, truncation=True,
max_length=L)`, a pair as `tokenizer(code1, code2, truncation="longest_first",
max_length=L)`; P = softmax(logits), column `positive_column` is the positive class.

Weights follow the loading rule of every format (`metacompress.models.checkpoints`): a folder
whose weights are one file (`model.safetensors`, or `pytorch_model.bin` without safetensors
beside it; not sharded) is read by `load_state_dict` and the tensors are handed to
transformers (a safetensors file read into memory, not mapped: see the memory note of
`checkpoints`; a pickle refused when `torch.load(weights_only=True)` refuses it unless
`allow_pickle` (`--allow-pickle`), exactly as the research formats do); sharded checkpoints
and hub ids load through transformers. A weights file that cannot be
read (truncated safetensors, a damaged or malicious pickle) is a ConfigError naming the model;
a checkpoint whose weights leave part of the model uninitialised (e.g. a bare encoder without a
classification head) is refused with the missing keys named.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.errors import ConfigError
from metacompress.models.checkpoints import (
    IGNORABLE_SUFFIXES,
    file_sha256,
    load_state_dict,
    state_dict_sha256,
)
from metacompress.models.encoding import HFTemplateEncoder
from metacompress.models.engine import EngineClassifier
from metacompress.models.formats import (
    LoadOptions,
    ModelFormat,
    arity_of,
    check_task,
    model_format,
)
from metacompress.models.heads import SequenceModule
from metacompress.models.modelling import choose, sequence_classifier
from metacompress.models.torch_backend import (
    build_classifier,
    load_config,
    load_hf_tokenizer,
    reader_info,
)
from metacompress.registry import check_choice, check_range


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' load reports and progress bars while loading."""
    from transformers.utils import logging

    level = logging.get_verbosity()
    bars = logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(level)
        if bars:
            logging.enable_progress_bar()


def position_limit(model: Any, tokenizer: Any) -> int:
    """Longest input the model's position embeddings (and the tokenizer) allow.

    RoBERTa-family embeddings number positions from padding_idx + 1, so they hold
    max_position_embeddings - padding_idx - 1 tokens.
    """
    positions = int(getattr(model.config, "max_position_embeddings", 512))
    embeddings = getattr(model.base_model, "embeddings", None)
    padding_idx = getattr(embeddings, "padding_idx", None)
    limit = positions - (padding_idx + 1) if isinstance(padding_idx, int) else positions
    declared = getattr(tokenizer, "model_max_length", None)
    if isinstance(declared, int) and 0 < declared < limit:
        limit = declared
    return limit


def weight_files(folder: Path) -> dict[str, str]:
    """sha256 of each weights file in a model folder."""
    found = sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin"))
    return {str(p): file_sha256(p) for p in found}


def single_weights(folder: Path) -> Path | None:
    """The folder's one weights file: `model.safetensors`, or `pytorch_model.bin` when no
    safetensors file is there; None otherwise (sharded, or named otherwise: transformers reads
    those)."""
    if any(folder.glob("*.index.json")):
        return None
    if (folder / "model.safetensors").is_file():
        return folder / "model.safetensors"
    if any(folder.glob("*.safetensors")) or not (folder / "pytorch_model.bin").is_file():
        return None
    return folder / "pytorch_model.bin"


def _from_state_dict(
    target: str, state: dict[str, Any], options: LoadOptions
) -> tuple[Any, dict[str, Any], tuple[bool, str], dict[str, str]]:
    """(the folder's model built from its config and filled with `state`, transformers'
    loading info, (lean or not, why), the config's `reader_info`): the lean RoBERTa (on a
    config read without transformers when `lean_config` reads it) when `modelling.choose`
    allows it and `state` holds exactly its tensors, else the folder's transformers class."""
    import torch

    wanted = options.modelling
    config, reading = load_config(target, None, options.trust_remote_code, wanted != "transformers")
    lean, why = choose(config, wanted)
    if lean:
        model = sequence_classifier(config, lean=True)  # no initial values: `state` fills it
        expected = set(model.state_dict())
        found = {k for k in state if not k.endswith(IGNORABLE_SUFFIXES)}
        if found == expected:
            model.load_state_dict({k: state[k] for k in expected}, assign=True)
            return model, {}, (True, why), reading
        lean, why = False, "the checkpoint's tensors are not the lean RoBERTa's"
        if wanted == "lean":
            raise ConfigError(f"modelling 'lean' cannot be used: {why}")
    if reading["config_reader"] == "lean":
        why_not = "transformers' RoBERTa runs the model"
        config, reading = load_config(target, None, options.trust_remote_code, False, why_not)
    with quiet_transformers():
        from transformers import AutoModelForSequenceClassification

        with torch.device("meta"):  # only to learn the class: no memory, no initialisation
            probe = AutoModelForSequenceClassification.from_config(
                config, trust_remote_code=options.trust_remote_code
            )
        model, info = type(probe).from_pretrained(
            None, config=config, state_dict=state, dtype=torch.float32, output_loading_info=True
        )
    return model, info, (lean, why), reading


@model_format("transformers", "Hugging Face sequence classifier (folder or hub id)")
@dataclass(frozen=True)
class TransformersFormat(ModelFormat):
    path: str = "."
    task: str | None = None
    max_length: int | None = None
    tokenizer: str | None = None
    positive_column: int = 1

    def __post_init__(self) -> None:
        check_task(self.task)
        check_choice("positive_column", self.positive_column, (0, 1))
        if self.max_length is not None:
            check_range("max_length", self.max_length, 4)

    def _target(self, base_dir: Path | None) -> tuple[str, Path | None]:
        """(what from_pretrained gets, the local folder or None for a hub id)."""
        path = Path(self.path).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if path.is_dir():
            return str(path), path
        if base_dir is not None and path.exists():
            raise ConfigError(f"path {str(path)!r} of format 'transformers' must be a folder")
        return self.path, None

    def load(self, base_dir: Path | None, options: LoadOptions) -> EngineClassifier:
        import torch

        target, folder = self._target(base_dir)
        weights = single_weights(folder) if folder is not None else None
        state = load_state_dict(weights, allow_pickle=options.allow_pickle) if weights else None
        modelling = (False, "asked for" if options.modelling == "transformers" else
                     "the weights are not one file of a local folder")  # fmt: skip
        if state is None and options.modelling == "lean":
            raise ConfigError(f"modelling 'lean' cannot be used: {modelling[1]}")
        reading = reader_info("config", False, "the model is loaded by transformers")
        try:
            if state is None:
                with quiet_transformers():
                    from transformers import AutoModelForSequenceClassification

                    model, info = AutoModelForSequenceClassification.from_pretrained(
                        target,
                        dtype=torch.float32,
                        trust_remote_code=options.trust_remote_code,
                        output_loading_info=True,
                    )
            else:
                model, info, modelling, reading = _from_state_dict(target, state, options)
                del state  # the model holds its tensors; kept here they could not be freed
        except ConfigError:
            raise
        except Exception as error:  # transformers, safetensors and torch raise many types
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise ConfigError(
                f"cannot load model {target!r}: {type(error).__name__}: {first[:300]}"
            ) from None
        problems = {
            kind: sorted(k for k in info.get(kind, ()) if not str(k).endswith(IGNORABLE_SUFFIXES))
            for kind in ("missing_keys", "mismatched_keys")
        }
        if any(problems.values()):
            detail = "; ".join(
                f"{k}: {', '.join(map(str, v[:5]))}" for k, v in problems.items() if v
            )
            raise ConfigError(f"weights in {target!r} do not fit its config ({detail})")
        if model.config.num_labels != 2:
            raise ConfigError(
                f"model {target!r} has {model.config.num_labels} output(s); format "
                "'transformers' expects 2 (a single-logit model is format 'codexglue-defect')"
            )
        tokenizer, tokenizer_reading = self._tokenizer(base_dir, options)
        limit = position_limit(model, tokenizer)
        max_length = self.max_length or limit
        if max_length > limit:
            raise ConfigError(f"max_length {max_length} exceeds the model's {limit} positions")
        encoder = HFTemplateEncoder(tokenizer, max_length, arity_of(self.task))
        return build_classifier(
            source=target,
            module=SequenceModule(model, "softmax", self.positive_column),
            encoder=encoder,
            options=options,
            format_name=self.format_name,
            settings={**self.settings(), "max_length": max_length},
            weights_sha256=state_dict_sha256(model.state_dict()),
            files=weight_files(folder) if folder is not None else {},
            arity=arity_of(self.task),
            modelling=modelling,
            reading={**reading, **tokenizer_reading},
        )

    def _tokenizer(self, base_dir: Path | None, options: LoadOptions) -> tuple[Any, dict[str, str]]:
        """The tokenizer (read without transformers where `lean_tokenizer` reads it, unless
        modelling 'transformers' is asked for) and its `reader_info`."""
        lean = options.modelling != "transformers"
        if self.tokenizer:
            return load_hf_tokenizer(self.tokenizer, base_dir, options.trust_remote_code, lean)
        target, _ = self._target(base_dir)
        return load_hf_tokenizer(target, None, options.trust_remote_code, lean)

    def make_encoder(self, base_dir: Path | None, options: LoadOptions) -> HFTemplateEncoder:
        """The encoder alone (for an exported ONNX model); needs `max_length` set."""
        if self.max_length is None:
            raise ConfigError("an encoder without its model needs max_length")
        tokenizer, _ = self._tokenizer(base_dir, options)
        return HFTemplateEncoder(tokenizer, self.max_length, arity_of(self.task))
