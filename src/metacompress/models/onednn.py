"""Linear layers run by oneDNN on the CPU: the same module, the same values, another kernel.

A transformer encoder spends most of its CPU time in its linear layers, y = x W^T + b. torch
computes them with its BLAS (MKL), which on some CPUs takes a slow path: on the AMD EPYC of the
benchmarks a 2048 x 768 by 768 x 3072 product runs at 34-37 GFLOPS through MKL and at 78 GFLOPS
through oneDNN (`benchmarks/inference/README.md`). `OneDNNLinear` keeps W and b reordered once
into oneDNN's layout and computes the same product with `aten.mkldnn_linear`, converting the
input to oneDNN's layout and the output back on each call. Only the summation order changes, so
outputs agree with the torch kernel to float32 rounding (the model layer checks this before
using it, see `metacompress.models.kernels`).

`with_onednn_linears(module)` returns a copy of `module` whose `nn.Linear` layers are
`OneDNNLinear` layers; every other parameter and buffer is shared with `module`, not copied.
`with_dense_linears(module)` turns them back into `nn.Linear` layers holding the same values
(what an exporter needs).
"""

from __future__ import annotations

import copy

import torch
from torch import nn


def onednn_available() -> bool:
    """Whether this torch build can run oneDNN (mkldnn) kernels on the CPU."""
    return bool(torch.backends.mkldnn.is_available())


class OneDNNLinear(nn.Module):
    """y = x W^T + b with W, b held in oneDNN's layout (float32, CPU)."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        weight = linear.weight.detach()
        bias = (
            linear.bias.detach() if linear.bias is not None else weight.new_zeros(weight.shape[0])
        )
        self.register_buffer("weight", weight.to_mkldnn(), persistent=False)
        self.register_buffer("bias", bias.to_mkldnn(), persistent=False)
        self.has_bias = linear.bias is not None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        flat = x.reshape(-1, shape[-1]).contiguous().to_mkldnn()
        y = torch.ops.aten.mkldnn_linear(flat, self.weight, self.bias)
        return y.to_dense().reshape(*shape[:-1], self.out_features)

    def to_linear(self) -> nn.Linear:
        """An `nn.Linear` with the same weight and bias."""
        linear = nn.Linear(self.in_features, self.out_features, bias=self.has_bias)
        with torch.no_grad():
            linear.weight.copy_(self.weight.to_dense())
            if self.has_bias:
                linear.bias.copy_(self.bias.to_dense())
        return linear.eval()


def _replace(module: nn.Module, kind: type[nn.Module], convert) -> int:
    """Replace, in place, every submodule of type `kind` by `convert(submodule)`."""
    count = 0
    for name, child in module.named_children():
        if isinstance(child, kind):
            setattr(module, name, convert(child))
            count += 1
        else:
            count += _replace(child, kind, convert)
    return count


def _shallow_copy(module: nn.Module) -> nn.Module:
    """A copy of the module tree that shares every parameter and buffer with `module`."""
    memo = {id(t): t for t in (*module.parameters(), *module.buffers())}
    return copy.deepcopy(module, memo)


def with_onednn_linears(module: nn.Module) -> tuple[nn.Module, int]:
    """(a copy of `module` whose linear layers are `OneDNNLinear`, how many were replaced)."""
    fast = _shallow_copy(module)
    count = _replace(fast, nn.Linear, OneDNNLinear)
    return fast.eval(), count


def with_dense_linears(module: nn.Module) -> nn.Module:
    """A copy of `module` whose `OneDNNLinear` layers are plain `nn.Linear` layers again."""
    dense = _shallow_copy(module)
    _replace(dense, OneDNNLinear, lambda layer: layer.to_linear())
    return dense.eval()
