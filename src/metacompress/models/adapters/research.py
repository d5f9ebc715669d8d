"""Raw checkpoints released by code-model studies: a base config, a weights file, a head
convention. Each format declares its convention; nothing is inferred from the weights.

Common spec keys: `path` (the weights file, or a folder holding model.safetensors,
pytorch_model.bin or model.bin), `config` (a config.json, a folder holding one, or a hub id;
default: the folder of the weights), `tokenizer` (a Hugging Face tokenizer folder or hub id, or
a bare `tokenizers` JSON file; default: the folder of the weights), `task`, `max_length` (the
block size, per code), `normalize_whitespace` (`" ".join(code.split())` before tokenizing, as
the studies do), `state_dict_key` (the entry of the checkpoint holding the weights, when it
holds more), `weights_layout`: "study" (keys as saved by the study's `Model` wrapper, prefixed
`encoder.`) or "huggingface" (keys of the bare sequence classifier, as save_pretrained writes).

Encoding: `[bos] + tokens(code)[:L-2] + [eos]` per code, bos/eos/pad being the tokenizer's
cls/sep/pad tokens (a Hugging Face tokenizer, as CodeXGLUE does) or `<s>`, `</s>`, `<pad>` (a
bare JSON tokenizer, as Compressor does).

Formats:
- `codexglue-defect`: RobertaForSequenceClassification with num_labels = 1,
  P(vulnerable) = sigmoid(logit[0]); block 400.
- `codexglue-clone`: a RobertaModel encodes each method (400 tokens each); the two first-token
  vectors are concatenated and read by dense(2h->h)-tanh-out_proj(h->2); softmax, clone =
  column 1.
- `compressor` (Compressor, AVATAR, MORPH students): vulnerability:
  RobertaForSequenceClassification with num_labels = 2, softmax, vulnerable = column 0 (the
  studies evaluate `prob[:, 0] > 0.5`); clone: the `codexglue-clone` architecture, clone =
  column 1. `positive_column` overrides the column.
"""

from __future__ import annotations

import abc
import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from metacompress.errors import ConfigError
from metacompress.models.checkpoints import (
    file_sha256,
    find_weights,
    fit_state_dict,
    load_state_dict,
    state_dict_sha256,
)
from metacompress.models.encoding import BlockEncoder, Encoder
from metacompress.models.engine import EngineClassifier
from metacompress.models.formats import (
    LoadOptions,
    ModelFormat,
    arity_of,
    check_task,
    model_format,
    resolve_path,
)
from metacompress.models.heads import PairModule, SequenceModule
from metacompress.models.modelling import choose, roberta_model, sequence_classifier
from metacompress.models.torch_backend import (
    ASKED,
    build_classifier,
    load_backend_tokenizer,
    load_config,
    load_hf_tokenizer,
    reader_info,
)
from metacompress.registry import check_choice, check_range

LAYOUTS = ("study", "huggingface")


@dataclass(frozen=True)
class RawCheckpointFormat(ModelFormat):
    """Shared loading of the research formats; subclasses give the encoder and the module."""

    path: str = "."
    config: str | None = None
    tokenizer: str | None = None
    task: str | None = None
    max_length: int = 400
    state_dict_key: str | None = None
    weights_layout: str = "study"

    #: tasks this format can run
    tasks: ClassVar[tuple[str, ...]] = ("vulnerability", "clone")
    #: whether `build_module` can build the lean RoBERTa (`metacompress.models.modelling`)
    lean_capable: ClassVar[bool] = False

    def __post_init__(self) -> None:
        check_task(self.task)
        if self.task is None:
            raise ConfigError(
                f"format {self.format_name!r} needs 'task' ({' or '.join(self.tasks)})"
            )
        check_choice("task", self.task, self.tasks)
        check_range("max_length", self.max_length, 3)
        check_choice("weights_layout", self.weights_layout, LAYOUTS)

    def _weights_folder(self, base_dir: Path | None) -> Path:
        path = resolve_path(base_dir, self.path, "weights path")
        return path if path.is_dir() else path.parent

    def _tokenizer_parts(
        self, base_dir: Path | None, options: LoadOptions
    ) -> tuple[Any, Any, dict[str, str], dict[str, str]]:
        """(tokenizers backend, the Hugging Face tokenizer or None, sha256 of files read,
        `reader_info`)."""
        reference = self.tokenizer
        if reference is None:
            reference = str(self._weights_folder(base_dir))
        path = Path(reference).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if path.is_file():
            backend, files = load_backend_tokenizer(str(path), None, options.trust_remote_code)
            return backend, None, files, reader_info("tokenizer", True, "a bare JSON file")
        hf, reading = load_hf_tokenizer(
            reference, base_dir, options.trust_remote_code, *self._lean_files(options)
        )
        return hf.backend_tokenizer, hf, {}, reading

    def _lean_files(self, options: LoadOptions) -> tuple[bool, str]:
        """(whether the lean readers may read the config and the tokenizer, why not): only for
        a format that can run the lean RoBERTa, unless modelling 'transformers' is asked for."""
        if not self.lean_capable:
            return False, f"format {self.format_name!r} runs transformers' code"
        return options.modelling != "transformers", ASKED

    @abc.abstractmethod
    def encoder_for(self, backend: Any, hf: Any) -> Encoder:
        """The encoder over a tokenizers backend (and its Hugging Face tokenizer, if any)."""

    def make_encoder(self, base_dir: Path | None, options: LoadOptions) -> Encoder:
        """The encoder alone (also used for an exported ONNX model)."""
        backend, hf, _, _ = self._tokenizer_parts(base_dir, options)
        return self.encoder_for(backend, hf)

    def _config(
        self, base_dir: Path | None, options: LoadOptions, lean: tuple[bool, str]
    ) -> tuple[Any, str, dict[str, str]]:
        """(the config, its name, `reader_info`): read without transformers when `lean` (as
        `_lean_files` gives it) allows it (`torch_backend.load_config`)."""
        reference = self.config or str(self._weights_folder(base_dir))
        config, reading = load_config(reference, base_dir, options.trust_remote_code, *lean)
        if config.model_type != "roberta":
            raise ConfigError(
                f"format {self.format_name!r} expects a RoBERTa config, got model_type "
                f"{config.model_type!r} in {reference!r}"
            )
        return config, repr(reference), reading

    @abc.abstractmethod
    def build_module(self, config: Any, state: dict[str, Any], lean: bool = False) -> Any:
        """The torch module whose state dict the checkpoint holds (with the lean RoBERTa when
        `lean`, for a format that is `lean_capable`)."""

    def resolved(self, config: Any) -> RawCheckpointFormat:
        """This format with settings that default to the config filled in."""
        return self

    def load(self, base_dir: Path | None, options: LoadOptions) -> EngineClassifier:
        weights = find_weights(resolve_path(base_dir, self.path, "weights path"))
        state = load_state_dict(weights, allow_pickle=options.allow_pickle, key=self.state_dict_key)
        if self.weights_layout == "huggingface":
            state = {f"encoder.{k}": v for k, v in state.items()}
        config, config_name, reading = self._config(base_dir, options, self._lean_files(options))
        fmt = self.resolved(config)
        if fmt.lean_capable:
            modelling = choose(config, options.modelling)
        elif options.modelling == "lean":
            raise ConfigError(f"modelling 'lean' cannot run format {fmt.format_name!r}")
        else:
            modelling = (False, f"format {fmt.format_name!r} runs transformers' code")
        if not modelling[0] and reading["config_reader"] == "lean":
            why = "transformers' RoBERTa runs the model"
            config, config_name, reading = self._config(base_dir, options, (False, why))
        module = fmt.build_module(copy.deepcopy(config), state, lean=modelling[0])
        fit_state_dict(module, state, weights, config_name)
        backend, hf, files, tokenizer_reading = fmt._tokenizer_parts(base_dir, options)
        return build_classifier(
            source=str(weights),
            module=module,
            encoder=fmt.encoder_for(backend, hf),
            options=options,
            format_name=fmt.format_name,
            settings=fmt.settings(),
            weights_sha256=state_dict_sha256(module.state_dict()),
            files={str(weights): file_sha256(weights), **files},
            arity=arity_of(fmt.task),
            modelling=modelling,
            reading={**reading, **tokenizer_reading},
        )


@dataclass(frozen=True)
class BlockCheckpointFormat(RawCheckpointFormat):
    """Research formats whose inputs are `[bos] + tokens[:L-2] + [eos]` blocks."""

    normalize_whitespace: bool = True
    lean_capable: ClassVar[bool] = True

    def encoder_for(self, backend: Any, hf: Any) -> Encoder:
        if hf is None:
            specials = ("<s>", "</s>", "<pad>")
        else:
            specials = (hf.cls_token, hf.sep_token, hf.pad_token)
            if None in specials:
                raise ConfigError("the tokenizer lacks a cls, sep or pad token")
        return BlockEncoder(
            backend,
            self.max_length,
            arity=arity_of(self.task),
            normalize=self.normalize_whitespace,
            bos=specials[0],
            eos=specials[1],
            pad=specials[2],
            source=hf,
        )


def _sequence_classifier(config: Any, num_labels: int, lean: bool) -> Any:
    config.num_labels = num_labels
    return sequence_classifier(config, lean)


def _pair_module(
    config: Any, state: dict[str, Any], lean: bool, positive_column: int = 1
) -> PairModule:
    pooler = any(k.startswith("encoder.pooler.") for k in state)
    encoder = roberta_model(config, pooler, lean)
    return PairModule(encoder, config.hidden_size, positive_column)


@model_format("codexglue-defect", "CodeXGLUE Defect-detection checkpoint: sigmoid(logit[0])")
@dataclass(frozen=True)
class CodeXGLUEDefectFormat(BlockCheckpointFormat):
    task: str | None = "vulnerability"
    tasks: ClassVar[tuple[str, ...]] = ("vulnerability",)

    def build_module(
        self, config: Any, state: dict[str, Any], lean: bool = False
    ) -> SequenceModule:
        return SequenceModule(_sequence_classifier(config, 1, lean), "sigmoid")


@model_format("codexglue-clone", "CodeXGLUE BigCloneBench checkpoint: two blocks, pair head")
@dataclass(frozen=True)
class CodeXGLUECloneFormat(BlockCheckpointFormat):
    task: str | None = "clone"
    tasks: ClassVar[tuple[str, ...]] = ("clone",)

    def __post_init__(self) -> None:
        super().__post_init__()
        check_choice("weights_layout", self.weights_layout, ("study",))

    def build_module(self, config: Any, state: dict[str, Any], lean: bool = False) -> PairModule:
        return _pair_module(config, state, lean)


#: The positive column of Compressor-family students, per task, as their evaluation reads it.
COMPRESSOR_POSITIVE_COLUMN = {"vulnerability": 0, "clone": 1}


@model_format("compressor", "Compressor / AVATAR / MORPH student with a bare tokenizers JSON")
@dataclass(frozen=True)
class CompressorFormat(BlockCheckpointFormat):
    positive_column: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.positive_column is not None:
            check_choice("positive_column", self.positive_column, (0, 1))
        if self.task == "clone":
            check_choice("weights_layout", self.weights_layout, ("study",))

    @property
    def column(self) -> int:
        if self.positive_column is not None:
            return self.positive_column
        return COMPRESSOR_POSITIVE_COLUMN[str(self.task)]

    def build_module(self, config: Any, state: dict[str, Any], lean: bool = False) -> Any:
        if self.task == "clone":
            return _pair_module(config, state, lean, self.column)
        return SequenceModule(_sequence_classifier(config, 2, lean), "softmax", self.column)
