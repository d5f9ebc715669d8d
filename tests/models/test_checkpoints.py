"""Reading safetensors files into memory of their own (`checkpoints.read_safetensors`)."""

from __future__ import annotations

import json
import struct
import sys

import pytest
import torch
from safetensors.torch import load_file, save_file

from metacompress.errors import ConfigError
from metacompress.models.checkpoints import load_state_dict, read_safetensors


def mapped(path) -> bool:
    """Whether this process maps `path` (Linux)."""
    with open("/proc/self/maps", encoding="utf-8") as handle:
        return any(line.rstrip().endswith(str(path)) for line in handle)


@pytest.fixture
def tensors() -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return {
        "f32": torch.randn(3, 5, generator=generator),
        "bf16": torch.randn(4, generator=generator).to(torch.bfloat16),
        "f16": torch.randn(2, 2, generator=generator).half(),
        "i64": torch.arange(7, dtype=torch.int64).reshape(7, 1),
        "u8": torch.arange(5, dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }


def test_read_equals_safetensors_and_leaves_nothing_mapped(tensors, tmp_path):
    path = tmp_path / "model.safetensors"
    save_file(tensors, str(path), metadata={"format": "pt"})
    state = read_safetensors(path)
    assert_same(state, load_file(str(path)))  # the reference's mapping ends with the call
    assert load_state_dict(path).keys() == state.keys()
    if sys.platform.startswith("linux"):
        assert not mapped(path)
    state["f32"] += 1  # memory of its own: writable, the file unchanged
    assert torch.equal(load_file(str(path))["f32"], tensors["f32"])


def assert_same(state: dict, reference: dict) -> None:
    assert set(state) == set(reference)
    for name, tensor in reference.items():
        assert state[name].dtype == tensor.dtype and state[name].shape == tensor.shape
        assert torch.equal(state[name], tensor), name


def _write(path, header: dict, data: bytes) -> None:
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)


@pytest.mark.parametrize(
    ("header", "data", "problem"),
    [
        ({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4, "outside"),
        ({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8, "holds 8 bytes"),
        ({"w": {"dtype": "X9", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, "no valid"),
        ({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, b"\0" * 8, "outside"),
        ([1, 2], b"", "not a JSON object"),
    ],
)
def test_a_header_that_does_not_describe_the_file_is_a_config_error(
    tmp_path, header, data, problem
):
    path = tmp_path / "bad.safetensors"
    _write(path, header, data)
    with pytest.raises(ConfigError, match=rf"safetensors file '{path}'.*{problem}"):
        load_state_dict(path)


def test_a_header_longer_than_the_file_is_a_config_error(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", 1 << 40) + b"{}")
    with pytest.raises(ConfigError, match="header length"):
        read_safetensors(path)
