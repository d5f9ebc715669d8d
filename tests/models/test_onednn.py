"""oneDNN linear layers compute what nn.Linear computes, share the rest of the module, and turn
back into nn.Linear layers with the very same values."""

import pytest
import torch
from torch import nn

from metacompress.models.onednn import (
    OneDNNLinear,
    onednn_available,
    with_dense_linears,
    with_onednn_linears,
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


def test_only_linear_layers_are_replaced_and_the_rest_is_shared():
    torch.manual_seed(1)
    module = nn.Sequential(nn.Embedding(10, 8), nn.Linear(8, 8), nn.LayerNorm(8), nn.Linear(8, 2))
    fast, count = with_onednn_linears(module)
    assert count == 2
    assert isinstance(fast[1], OneDNNLinear) and isinstance(module[1], nn.Linear)
    assert fast[0].weight is module[0].weight and fast[2].weight is module[2].weight
    ids = torch.tensor([[1, 2, 3], [4, 5, 6]])
    with torch.inference_mode():
        torch.testing.assert_close(fast(ids), module(ids), rtol=0, atol=1e-5)


def test_dense_linears_hold_the_original_values():
    torch.manual_seed(2)
    module = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3, bias=False))
    fast, _ = with_onednn_linears(module)
    dense = with_dense_linears(fast)
    assert all(type(a) is type(b) for a, b in zip(dense, module, strict=True))
    for key, value in module.state_dict().items():
        assert torch.equal(dense.state_dict()[key], value), key
