"""Safe loading of weights, their checksums, and fitting them to a module.

Loading rule: a `.safetensors` file is read as data (`read_safetensors`: no code can run); any other file
with `torch.load(weights_only=True)`, which accepts tensors and plain containers only. A
checkpoint that needs more (a pickled module, custom classes) is a *pickled checkpoint*: it is
refused unless `allow_pickle=True` (`--allow-pickle`), because unpickling can run code.

Checksum of loaded weights (`state_dict_sha256`): sha256 over the tensors sorted by name, each
contributing `name`, dtype, shape and its raw bytes. It identifies the weights whatever the
file format, and is what fingerprints and run summaries record. `file_sha256` is the plain
checksum of a file, comparable with `sha256sum`. `config_sha256` identifies the architecture
settings a module was built from (its Hugging Face config, whatever file it came from).

Memory: a safetensors file is read tensor by tensor into memory of each tensor's own
(`read_safetensors`), not memory-mapped. A mapped file stays mapped, and its pages resident,
while any tensor still reads it, so a model whose tensors are later replaced (the oneDNN
kernels, `metacompress.models.onednn`) held its weights twice at its peak (measured: 1.10 GB
against 0.75 GB for a 12-layer, 768-hidden encoder).
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import re
import struct
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from metacompress.errors import ConfigError

#: Weight files looked for, in this order, when a format's `path` is a folder.
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.bin")
#: Keys that may be present or absent without meaning: buffers older transformers saved.
IGNORABLE_SUFFIXES = ("embeddings.position_ids",)
#: Config keys that never change outputs (where and by which version it was saved; the dtype,
#: since the formats load in float32 or the dtype asked for).
VOLATILE_CONFIG_KEYS = (
    "_name_or_path",
    "transformers_version",
    "_commit_hash",
    "dtype",
    "torch_dtype",
)


def file_sha256(path: Path) -> str:
    """sha256 of the bytes of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def state_dict_sha256(state: Mapping[str, Any]) -> str:
    """sha256 over (name, dtype, shape, bytes) of each tensor, in sorted name order."""
    digest = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name].detach().to("cpu").contiguous()
        digest.update(name.encode("utf-8"))
        digest.update(str(tensor.dtype).encode())
        digest.update(repr(tuple(tensor.shape)).encode())
        digest.update(_raw_bytes(tensor))
    return digest.hexdigest()


def config_sha256(module: Any) -> str | None:
    """sha256 of the JSON of the first Hugging Face config found in `module` (itself or a
    submodule), without VOLATILE_CONFIG_KEYS; None when it holds none."""
    import json

    for sub in module.modules():
        to_dict = getattr(getattr(sub, "config", None), "to_dict", None)
        if to_dict is not None:
            data = {k: v for k, v in to_dict().items() if k not in VOLATILE_CONFIG_KEYS}
            text = json.dumps(data, sort_keys=True, default=str)
            return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return None


def _raw_bytes(tensor: Any) -> memoryview | bytes:
    """The bytes of a contiguous tensor of any dtype (bfloat16 included), as a view of its
    memory (not a copy: hashing a 125 M encoder's 154 MB embedding matrix copied it)."""
    import torch

    flat = tensor.reshape(-1)
    return memoryview(flat.view(torch.uint8).numpy()) if flat.numel() else b""


def _first_line(error: BaseException) -> str:
    """The first line of an error's message without terminal colour codes, at most 160 chars."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    return text.splitlines()[0][:160] if text else type(error).__name__


def find_weights(path: Path) -> Path:
    """`path` itself when a file; in a folder the first of WEIGHT_FILES that exists."""
    if path.is_file():
        return path
    for name in WEIGHT_FILES:
        if (path / name).is_file():
            return path / name
    raise ConfigError(
        f"no weights file in {str(path)!r}: expected one of {', '.join(WEIGHT_FILES)}"
    )


#: safetensors dtype names -> torch dtype attribute names.
SAFETENSORS_DTYPES = {
    "F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
    "I64": "int64", "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8",
    "U16": "uint16", "U32": "uint32", "U64": "uint64", "BOOL": "bool",
    "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2",
}  # fmt: skip
#: Largest safetensors header read (the format's own limit).
MAX_SAFETENSORS_HEADER = 100_000_000


def read_safetensors(path: Path) -> dict[str, Any]:
    """The tensors of a safetensors file, each read into memory of its own (no mapping).

    The format: an 8-byte little-endian header length n, n bytes of JSON mapping each name to
    {dtype, shape, data_offsets [begin, end)} relative to the end of the header, then the data.
    A header that does not describe the file (offsets outside it, a size that does not match
    the shape and dtype, an unknown dtype) is a ConfigError naming the file.
    """
    import torch

    def bad(problem: str) -> ConfigError:
        return ConfigError(f"cannot read safetensors file {str(path)!r}: {problem}")

    state: dict[str, Any] = {}
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(0)
        head = handle.read(8)
        if len(head) < 8:
            raise bad("shorter than its 8-byte header length")
        (length,) = struct.unpack("<Q", head)
        if length > min(MAX_SAFETENSORS_HEADER, size - 8):
            raise bad(f"header length {length} does not fit the file")
        try:
            header = json.loads(handle.read(length))
        except ValueError as error:
            raise bad(f"header is not JSON ({error})") from None
        if not isinstance(header, dict):
            raise bad("header is not a JSON object")
        base = 8 + length
        for name, meta in header.items():
            if name == "__metadata__":
                continue
            try:
                kind = getattr(torch, SAFETENSORS_DTYPES[meta["dtype"]])
                shape = [int(d) for d in meta["shape"]]
                begin, end = (int(x) for x in meta["data_offsets"])
            except (KeyError, TypeError, ValueError, AttributeError):
                raise bad(f"tensor {name!r} has no valid dtype, shape or offsets") from None
            nbytes = math.prod(shape) * torch.empty(0, dtype=kind).element_size()
            if min(shape, default=0) < 0 or not 0 <= begin <= end <= size - base:
                raise bad(f"tensor {name!r} lies outside the file")
            if end - begin != nbytes:
                raise bad(
                    f"tensor {name!r} holds {end - begin} bytes, its shape and dtype {nbytes}"
                )
            tensor = torch.empty(shape, dtype=kind)
            handle.seek(base + begin)
            view = memoryview(tensor.reshape(-1).view(torch.uint8).numpy())
            if nbytes and handle.readinto(view) != nbytes:
                raise bad(f"tensor {name!r} is cut short")
            state[str(name)] = tensor
    return state


def load_state_dict(
    path: Path, *, allow_pickle: bool = False, key: str | None = None
) -> dict[str, Any]:
    """The tensors stored in `path` (see the module docstring for the safety rule).

    `key` selects a nested entry (e.g. "state_dict") of a checkpoint that stores more than the
    weights. Raises ConfigError naming the file on every failure.
    """
    import torch

    if path.suffix == ".safetensors" and sys.byteorder == "little":
        try:
            obj: Any = read_safetensors(path)
        except OSError as error:
            raise ConfigError(f"cannot read safetensors file {str(path)!r}: {error}") from None
    elif path.suffix == ".safetensors":
        from safetensors.torch import load_file

        try:
            obj = load_file(str(path))
        except Exception as error:  # safetensors raises its own error types
            raise ConfigError(f"cannot read safetensors file {str(path)!r}: {error}") from None
    else:
        try:
            obj = torch.load(path, map_location="cpu", weights_only=True)
        except (pickle.UnpicklingError, RuntimeError, AttributeError, TypeError) as error:
            if not allow_pickle:
                raise ConfigError(
                    f"{str(path)!r} is a pickled checkpoint that torch.load(weights_only=True) "
                    f"refuses ({_first_line(error)}); loading it could run code. "
                    "Convert it to safetensors, or pass allow_pickle=True (--allow-pickle) "
                    "if you trust its source"
                ) from None
            try:
                obj = torch.load(path, map_location="cpu", weights_only=False)
            except Exception as inner:  # any unpickling failure
                raise ConfigError(f"cannot load checkpoint {str(path)!r}: {inner}") from None
        except (OSError, EOFError, ValueError) as error:
            raise ConfigError(f"cannot read checkpoint {str(path)!r}: {error}") from None
    if key is not None:
        if not isinstance(obj, Mapping) or key not in obj:
            raise ConfigError(f"checkpoint {str(path)!r} has no entry {key!r}")
        obj = obj[key]
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    if not isinstance(obj, Mapping):
        raise ConfigError(
            f"checkpoint {str(path)!r} holds a {type(obj).__name__}, expected a state dict"
        )
    bad = [k for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise ConfigError(
            f"checkpoint {str(path)!r} holds entries that are not tensors ({', '.join(map(str, bad[:5]))}); "
            "name the entry holding the weights with state_dict_key"
        )
    return dict(obj)


def _ignorable(key: str) -> bool:
    return key.endswith(IGNORABLE_SUFFIXES)


def fit_state_dict(module: Any, state: dict[str, Any], weights: Path, config: str) -> None:
    """Load `state` into `module`, or raise a ConfigError naming the file and the config
    when keys are missing or unexpected or a shape differs."""
    expected = module.state_dict()
    missing = sorted(k for k in expected if k not in state and not _ignorable(k))
    unexpected = sorted(k for k in state if k not in expected and not _ignorable(k))
    shapes = [
        f"{k}: file {tuple(state[k].shape)} vs config {tuple(expected[k].shape)}"
        for k in sorted(expected)
        if k in state and tuple(state[k].shape) != tuple(expected[k].shape)
    ]
    if missing or unexpected or shapes:
        parts = []
        if shapes:
            parts.append(f"shape mismatch ({len(shapes)}): {'; '.join(shapes[:4])}")
        if missing:
            parts.append(f"missing keys ({len(missing)}): {', '.join(missing[:5])}")
        if unexpected:
            parts.append(f"unexpected keys ({len(unexpected)}): {', '.join(unexpected[:5])}")
        raise ConfigError(
            f"weights in {str(weights)!r} do not fit the config {config}: " + "; ".join(parts)
        )
    module.load_state_dict({k: v for k, v in state.items() if k in expected}, strict=False)
