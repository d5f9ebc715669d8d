"""oneDNN linear layers compute what nn.Linear computes, share the rest of the module, and turn
back into nn.Linear layers with the very same values."""

import pytest
import torch
from torch import nn

from metacompress.models.onednn import (
    OneDNNLinear,
    _in_file_mapping,
    file_mappings,
    onednn_available,
    to_dense_linears,
    to_onednn_linears,
    with_dense_linears,
)

pytestmark = pytest.mark.skipif(not onednn_available(), reason="torch built without oneDNN")


def test_onednn_linear_equals_torch_linear_on_batched_inputs():
    torch.manual_seed(0)
    for bias in (True, False):
        linear = nn.Linear(48, 80, bias=bias).eval()
        fast = OneDNNLinear(linear)
        x = torch.randn(3, 17, 48)
        with torch.inference_mode():
            expected, got = linear(x), fast(x)
        assert got.shape == (3, 17, 80) and got.layout == torch.strided
        torch.testing.assert_close(got, expected, rtol=0, atol=1e-5)


def test_only_linear_layers_are_replaced_in_place_and_turn_back_exactly():
    torch.manual_seed(1)
    module = nn.Sequential(nn.Embedding(10, 8), nn.Linear(8, 8), nn.LayerNorm(8), nn.Linear(8, 2))
    before = {k: v.clone() for k, v in module.state_dict().items()}
    embedding = module[0].weight
    ids = torch.tensor([[1, 2, 3], [4, 5, 6]])
    with torch.inference_mode():
        expected = module(ids)
        assert to_onednn_linears(module) == 2
        assert isinstance(module[1], OneDNNLinear) and module[0].weight is embedding
        torch.testing.assert_close(module(ids), expected, rtol=0, atol=1e-5)
    dense = with_dense_linears(module)  # a copy: the module keeps its oneDNN layers
    assert isinstance(module[1], OneDNNLinear) and type(dense[1]) is nn.Linear
    assert dense[0].weight is embedding
    assert to_dense_linears(module) == 2
    for key, value in before.items():
        assert torch.equal(module.state_dict()[key], value), key
        assert torch.equal(dense.state_dict()[key], value), key


def test_the_tensors_left_that_read_a_file_get_memory_of_their_own(tmp_path):
    """A model loaded by transformers reads a memory-mapped safetensors file until no tensor
    reads it; tensors in memory of their own are not copied again."""
    from safetensors.torch import load_file, save_file

    torch.manual_seed(2)
    module = nn.Sequential(nn.Embedding(10, 8), nn.Linear(8, 8), nn.LayerNorm(8))
    save_file({k: v.contiguous() for k, v in module.state_dict().items()}, tmp_path / "w.st")
    mapped = load_file(str(tmp_path / "w.st"))
    module.load_state_dict(mapped, assign=True)
    ranges = file_mappings()
    if ranges is None:
        pytest.skip("no /proc/self/maps here")
    assert _in_file_mapping(module[0].weight, ranges)
    to_onednn_linears(module)
    for name, tensor in module.state_dict().items():
        if tensor.layout == torch.strided:
            assert not _in_file_mapping(tensor, file_mappings()), name
            assert torch.equal(tensor, mapped[name]), name

    own = nn.Sequential(nn.Embedding(10, 8), nn.Linear(8, 8))
    before = own[0].weight.data_ptr()
    to_onednn_linears(own)
    assert own[0].weight.data_ptr() == before  # not copied
