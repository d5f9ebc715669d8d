"""The torch backend: a module in eval mode on a device, run under `torch.inference_mode`,
in float32 or (GPU only) float16, with the kernels `metacompress.models.kernels` chooses. Also
the shared steps of the torch formats: config and tokenizer loading, and building the
EngineClassifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.models.checkpoints import config_sha256, file_sha256
from metacompress.models.encoding import Encoder
from metacompress.models.engine import Backend, EngineClassifier
from metacompress.models.formats import DEFAULT_AUTO_TOKENS, LoadOptions
from metacompress.models.kernels import PROBE_INPUTS, select_kernels


class TorchBackend(Backend):
    """Runs `module(**arrays) -> (probs, hidden)` on `device`.

    `kernels` and `probe` (encoder arrays of the probe batch) go to
    `metacompress.models.kernels.select_kernels`; `info` records its choice.
    """

    def __init__(
        self,
        module: Any,
        device: str,
        half: bool = False,
        kernels: str = "eager",
        probe: dict[str, np.ndarray] | None = None,
    ) -> None:
        if half and not device.startswith("cuda"):
            raise ConfigError("half precision needs device cuda (or auto with a GPU), got cpu")
        self.device = device
        self.dtype = "float16" if half else "float32"
        module = module.to(device)
        if half:
            module = module.half()
        self.module, self.info = select_kernels(module.eval(), device, self.dtype, kernels, probe)
        self.kernels = str(self.info["kernels"])

    def backend_info(self) -> dict[str, Any]:
        import torch

        return {"backend": "torch", "torch": torch.__version__, **self.info}

    def eager_module(self) -> Any:
        """The module with torch's own kernels (what an exporter reads)."""
        if self.kernels == "onednn":
            from metacompress.models.onednn import with_dense_linears

            return with_dense_linears(self.module)
        return self.module

    def run(self, arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        import torch

        tensors = {k: torch.from_numpy(v).to(self.device) for k, v in arrays.items()}
        with torch.inference_mode():
            probs, hidden = self.module(**tensors)
        return probs.float().cpu().numpy(), hidden.float().cpu().numpy()

    def is_out_of_memory(self, error: BaseException) -> bool:
        import torch

        if isinstance(error, MemoryError | torch.cuda.OutOfMemoryError):
            return True
        return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()

    def release_memory(self) -> None:
        super().release_memory()
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()


def check_vocabulary(encoder: Encoder, module: Any, source: str) -> None:
    """Refuse a tokenizer that can produce token ids past the model's input embeddings: it is
    not the model's own tokenizer (a ConfigError naming `source`)."""
    for sub in module.modules():
        get = getattr(sub, "get_input_embeddings", None)
        embeddings = get() if get is not None else None
        if embeddings is not None:
            rows = int(embeddings.num_embeddings)
            if encoder.vocab_size > rows:
                raise ConfigError(
                    f"the tokenizer of model {source!r} has {encoder.vocab_size} tokens but the "
                    f"model's input embeddings hold {rows}: it is not this model's tokenizer. "
                    "Save the model's own tokenizer beside it, or name it with the spec key "
                    "'tokenizer'"
                )
            return


def build_classifier(
    *,
    source: str,
    module: Any,
    encoder: Encoder,
    options: LoadOptions,
    format_name: str,
    settings: dict[str, Any],
    weights_sha256: str,
    files: dict[str, str],
    arity: int | None,
    modelling: tuple[bool, str] = (False, "not a RoBERTa the lean code could run"),
    reading: dict[str, str] | None = None,
) -> EngineClassifier:
    """The EngineClassifier running `module` (loaded from `source`) with the load options,
    after `check_vocabulary`; its identity holds the checksum of the model config inside
    `module`, `module`'s head convention and, when `module` is the lean RoBERTa, that fact.
    `modelling` is (whether it is the lean RoBERTa, why), as `modelling.choose` says; the
    backend's info records it (`metacompress.models.modelling` checks the lean one), and
    `reading` (`reader_info` of the config and the tokenizer)."""
    check_vocabulary(encoder, module, source)
    device = options.resolved_device()
    probe = encoder.collate(encoder.encode_batch(PROBE_INPUTS[arity or 1]))
    backend = TorchBackend(module, device, options.half, options.kernels, probe)
    lean, why = modelling
    backend.info.update(modelling="lean" if lean else "transformers", modelling_reason=why)
    backend.info.update(reading or {})
    if lean:
        backend.info["attention"] = "sdpa"
    convention = getattr(module, "convention", None)
    return EngineClassifier(
        encoder=encoder,
        backend=backend,
        format_name=format_name,
        settings=settings,
        weights_sha256=weights_sha256,
        files=files,
        batch_size=options.batch_size,
        token_budget=DEFAULT_AUTO_TOKENS["cuda" if device.startswith("cuda") else "cpu"],
        arity=arity,
        identity={
            "config": config_sha256(module),
            "head": convention() if convention is not None else None,
            **({"modelling": "lean"} if lean else {}),
        },
    )


def reader_info(kind: str, lean: bool, reason: str) -> dict[str, str]:
    """What the backend's info records of whose code read the model's `kind` ("config" or
    "tokenizer") files: `<kind>_reader` "lean" or "transformers", and why."""
    return {f"{kind}_reader": "lean" if lean else "transformers", f"{kind}_reader_reason": reason}


#: Why transformers read a file that the lean readers could have read.
ASKED = "modelling 'transformers' was asked for"


def _local(reference: str, base_dir: Path | None) -> Path:
    path = Path(reference).expanduser()
    return base_dir / path if not path.is_absolute() and base_dir is not None else path


def load_config(
    reference: str,
    base_dir: Path | None,
    trust_remote_code: bool = False,
    lean: bool = False,
    why_not: str = ASKED,
) -> tuple[Any, dict[str, str]]:
    """A model config from a JSON file, a folder holding config.json, or a hub id, with
    `reader_info`. With `lean`, a local file that `metacompress.models.lean_config` reads is
    read without transformers (the same `to_dict()`); any other by transformers (without
    `lean`, for the reason `why_not`)."""
    path = _local(reference, base_dir)
    reason = why_not
    if lean:
        from metacompress.models.lean_config import read_config

        file = path / "config.json" if path.is_dir() else path
        found = read_config(file) if file.is_file() else "not a local config file"
        if not isinstance(found, str):
            return found, reader_info("config", True, "read from config.json alone")
        reason = found
    from transformers import AutoConfig

    try:
        if path.is_file():
            config = _config_file(path)
        elif path.is_dir():
            config = AutoConfig.from_pretrained(str(path), trust_remote_code=trust_remote_code)
        else:
            config = AutoConfig.from_pretrained(reference, trust_remote_code=trust_remote_code)
    except (OSError, ValueError, KeyError) as error:
        raise ConfigError(f"cannot load model config {reference!r}: {error}") from None
    return config, reader_info("config", False, reason)


def _config_file(path: Path) -> Any:
    import json

    from transformers import AutoConfig, RobertaConfig

    data = json.loads(path.read_text(encoding="utf-8"))
    model_type = data.pop("model_type", "roberta")
    if model_type == "roberta":
        return RobertaConfig(**data)
    return AutoConfig.for_model(model_type, **data)


#: Files that hold a tokenizer's vocabulary; a tokenizer folder needs one of them.
VOCABULARY_FILES = (
    "tokenizer.json", "vocab.json", "vocab.txt", "spiece.model", "tokenizer.model",
    "sentencepiece.bpe.model",
)  # fmt: skip


def load_hf_tokenizer(
    reference: str,
    base_dir: Path | None,
    trust_remote_code: bool,
    lean: bool = False,
    why_not: str = ASKED,
) -> tuple[Any, dict[str, str]]:
    """A Hugging Face tokenizer from a folder, a hub id, or a tokenizer.json file, with
    `reader_info`.

    A tokenizer.json beside a tokenizer_config.json loads its folder (special tokens and all);
    a bare JSON file becomes a PreTrainedTokenizerFast whose padding token is `<pad>`. A folder
    without any of VOCABULARY_FILES is refused. With `lean` (and not `trust_remote_code`), a
    folder that `metacompress.models.lean_tokenizer` reads is read without transformers (the
    same encodings); any other by transformers (without `lean`, for the reason `why_not`).
    """
    path = _local(reference, base_dir)
    if path.is_file():
        if (path.parent / "tokenizer_config.json").is_file():
            path = path.parent
        else:
            return _bare_hf_tokenizer(path), reader_info("tokenizer", False, "a bare JSON file")
    if path.is_dir() and not any((path / name).is_file() for name in VOCABULARY_FILES):
        raise ConfigError(
            f"model folder {str(path)!r} has no tokenizer files (none of "
            f"{', '.join(VOCABULARY_FILES)}); without them transformers builds an empty "
            "tokenizer and every input looks the same to the model. Save the model's tokenizer "
            "there (tokenizer.save_pretrained(folder)) or name it with the spec key 'tokenizer'"
        )
    reason = "trust_remote_code is on" if trust_remote_code and lean else why_not
    if lean and not trust_remote_code:
        from metacompress.models.lean_tokenizer import read_tokenizer

        found = read_tokenizer(path) if path.is_dir() else "not a local folder"
        if not isinstance(found, str):
            return found, reader_info("tokenizer", True, "read with the tokenizers library")
        reason = found
    from transformers import AutoTokenizer

    target = str(path) if path.exists() else reference
    try:
        tokenizer = AutoTokenizer.from_pretrained(target, trust_remote_code=trust_remote_code)
    except (OSError, ValueError, KeyError) as error:
        raise ConfigError(f"cannot load tokenizer {reference!r}: {error}") from None
    return tokenizer, reader_info("tokenizer", False, reason)


def _bare_hf_tokenizer(path: Path) -> Any:
    from transformers import PreTrainedTokenizerFast

    try:
        tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(path))
    except Exception as error:  # tokenizers raises its own exception type
        raise ConfigError(f"cannot read tokenizer file {str(path)!r}: {error}") from None
    if tokenizer.pad_token is None:
        if tokenizer.backend_tokenizer.token_to_id("<pad>") is None:
            raise ConfigError(f"tokenizer file {str(path)!r} has no <pad> token")
        tokenizer.pad_token = "<pad>"
    return tokenizer


def load_backend_tokenizer(
    reference: str, base_dir: Path | None, trust_remote_code: bool
) -> tuple[Any, dict[str, str]]:
    """A `tokenizers.Tokenizer` from a bare JSON file, or the backend of a Hugging Face
    tokenizer (folder or hub id); with the sha256 of the JSON file when one was read."""
    from tokenizers import Tokenizer

    path = _local(reference, base_dir)
    if path.is_file():
        try:
            return Tokenizer.from_file(str(path)), {str(path): file_sha256(path)}
        except Exception as error:  # tokenizers raises its own exception type
            raise ConfigError(f"cannot read tokenizer file {str(path)!r}: {error}") from None
    tokenizer, _ = load_hf_tokenizer(reference, base_dir, trust_remote_code)
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise ConfigError(f"tokenizer {reference!r} has no tokenizers backend (tokenizer.json)")
    return backend, {}
