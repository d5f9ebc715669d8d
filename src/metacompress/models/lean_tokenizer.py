"""A Hugging Face tokenizer folder read with the `tokenizers` library alone: importing
transformers' tokenizer classes costs about 30 MB of resident memory (`tokenizers` 4 MB).

It reads a folder only where transformers 5 uses the folder's tokenizer.json as it is
(`config_of`, `backend_reason`):
- the folder holds tokenizer.json and tokenizer_config.json, and no special_tokens_map.json or
  added_tokens.json (older layouts, which transformers merges in);
- tokenizer_config.json names the class TokenizersBackend or PreTrainedTokenizerFast (whose
  loading keeps the file's backend; a model's own class such as RobertaTokenizer rebuilds it),
  backend "tokenizers" when it names one, and has no key outside CONFIG_KEYS;
- every named special token is a string that tokenizer.json holds as an added token with
  special true and normalized false (so transformers adds none and changes none);
- tokenizer.json has no truncation, no padding, and a post-processor (without one,
  transformers writes its own).

What it gives is what transformers' tokenizer gives: the backend is `Tokenizer.from_file`, the
padding id the pad token's id, `len()` the vocabulary with added tokens, `special_tokens_map`
the named tokens, padding and truncation sides from the config (default "right"),
`model_max_length` from the config (None when absent: transformers' "very large" value). A
call (`__call__`) does what a transformers fast tokenizer's call with truncation and without
padding does: the backend's truncation set to (max_length, stride 0, longest_first, the
truncation side), padding off, special tokens matched as special, `encode_batch` with the
template's special tokens.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The tokenizer classes whose loading keeps tokenizer.json's backend as it is.
CLASSES = ("TokenizersBackend", "PreTrainedTokenizerFast")
SPECIAL_NAMES = (
    "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
)  # fmt: skip
#: Loading options that transformers writes back into tokenizer_config.json; they do not
#: change an encoding.
LOADING_KEYS = ("is_local", "local_files_only")
CONFIG_KEYS = (
    "backend", "tokenizer_class", "model_max_length", "padding_side", "truncation_side",
    *SPECIAL_NAMES, *LOADING_KEYS,
)  # fmt: skip
SIDES = ("right", "left")
#: Files whose presence means transformers would merge more than tokenizer.json.
OLDER_FILES = ("special_tokens_map.json", "added_tokens.json")
FILES = ("tokenizer.json", "tokenizer_config.json")


def config_of(folder: Path) -> dict[str, Any] | str:
    """The folder's tokenizer_config.json, or why this module cannot read the folder as
    transformers does (the folder's files and the config's keys, class and settings)."""
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        return f"the folder has no {' or '.join(missing)}"
    older = [name for name in OLDER_FILES if (folder / name).is_file()]
    if older:
        return f"the folder has {', '.join(older)}"
    try:
        config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"cannot read tokenizer_config.json: {error}"
    if not isinstance(config, dict):
        return "tokenizer_config.json does not hold a JSON object"
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        return f"tokenizer_config.json has keys this reader does not know: {', '.join(unknown)}"
    if config.get("tokenizer_class") not in CLASSES:
        return f"the tokenizer class is {config.get('tokenizer_class')!r}"
    if config.get("backend", "tokenizers") != "tokenizers":
        return f"the backend is {config['backend']!r}"
    for key in ("padding_side", "truncation_side"):
        if config.get(key, "right") not in SIDES:
            return f"{key} is {config[key]!r}"
    length = config.get("model_max_length")
    if length is not None and (isinstance(length, bool) or not isinstance(length, int)):
        return f"model_max_length is {length!r}"
    return config


def backend_reason(config: dict[str, Any], backend: Any) -> str | None:
    """Why transformers would change the `tokenizers.Tokenizer` read from tokenizer.json, for
    the tokenizer_config.json `config` (None: it keeps it as it is)."""
    added = {t.content: t for t in backend.get_added_tokens_decoder().values()}
    for name in SPECIAL_NAMES:
        token = config.get(name)
        if token is None:
            continue
        entry = added.get(token) if isinstance(token, str) else None
        if entry is None or not entry.special or entry.normalized:
            return f"{name} {token!r} is not a special, unnormalized added token of tokenizer.json"
    if backend.truncation is not None or backend.padding is not None:
        return "tokenizer.json sets truncation or padding"
    if backend.post_processor is None:
        return "tokenizer.json has no post-processor"
    return None


@dataclass(frozen=True)
class Encodings:
    """What a transformers call returns, as far as the encoders read it: the backend's
    encodings."""

    encodings: list[Any]


class LeanTokenizer:
    """A tokenizer folder read by `read_tokenizer` (see the module docstring)."""

    is_fast = True

    def __init__(self, folder: Path, config: dict[str, Any], backend: Any) -> None:
        self.backend_tokenizer = backend
        self.name_or_path = str(folder)
        self.special_tokens_map = {k: config[k] for k in SPECIAL_NAMES if config.get(k)}
        self.padding_side = config.get("padding_side", "right")
        self.truncation_side = config.get("truncation_side", "right")
        self.model_max_length = config.get("model_max_length")
        pad = self.pad_token
        self.pad_token_id = None if pad is None else backend.token_to_id(pad)

    @property
    def pad_token(self) -> str | None:
        return self.special_tokens_map.get("pad_token")

    @property
    def cls_token(self) -> str | None:
        return self.special_tokens_map.get("cls_token")

    @property
    def sep_token(self) -> str | None:
        return self.special_tokens_map.get("sep_token")

    def __len__(self) -> int:
        return self.backend_tokenizer.get_vocab_size(with_added_tokens=True)

    def __call__(
        self,
        text: Sequence[str],
        text_pair: Sequence[str] | None = None,
        *,
        truncation: bool | str,
        max_length: int,
        return_offsets_mapping: bool = True,
    ) -> Encodings:
        """The encodings of a batch (of pairs, with `text_pair`), cut to `max_length` tokens
        longest-first (`truncation` True or "longest_first"); offsets always come with them."""
        if truncation not in (True, "longest_first"):
            raise ValueError(f"truncation {truncation!r}: only longest_first is implemented")
        backend = self.backend_tokenizer
        target = {
            "max_length": max_length,
            "stride": 0,
            "strategy": "longest_first",
            "direction": self.truncation_side,
        }
        current = backend.truncation
        if current is None or {k: current.get(k) for k in target} != target:
            backend.enable_truncation(**target)
        if backend.padding is not None:
            backend.no_padding()
        backend.encode_special_tokens = False
        batch = list(text) if text_pair is None else list(zip(text, text_pair, strict=True))
        return Encodings(backend.encode_batch(batch, add_special_tokens=True))

    def save_pretrained(self, folder: str | Path) -> None:
        """Copy the tokenizer's files into `folder` (they load as they were read)."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copyfile(Path(self.name_or_path) / name, target / name)


def read_tokenizer(folder: Path) -> LeanTokenizer | str:
    """The tokenizer of the folder, or why this module does not read it (transformers does)."""
    from tokenizers import Tokenizer

    refused = "the tokenizer is not one the lean reader reads: "
    config = config_of(folder)
    if isinstance(config, str):
        return refused + config
    try:
        backend = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as error:  # tokenizers raises its own exception type
        return f"{refused}cannot read tokenizer.json: {error}"
    reason = backend_reason(config, backend)
    if reason is not None:
        return refused + reason
    return LeanTokenizer(folder, config, backend)
