"""Linear layers run by oneDNN on the CPU: the same module, the same values, another kernel.

A transformer encoder spends most of its CPU time in its linear layers, y = x W^T + b. torch
computes them with its BLAS (MKL), which on some CPUs takes a slow path: on the AMD EPYC of the
benchmarks a 2048 x 768 by 768 x 3072 product runs at 34-37 GFLOPS through MKL and at 78 GFLOPS
through oneDNN (`benchmarks/inference/README.md`). `OneDNNLinear` keeps W and b reordered once
into oneDNN's layout and computes the same product with `aten.mkldnn_linear`, converting the
input to oneDNN's layout and the output back on each call. Only the summation order changes, so
outputs agree with the torch kernel to float32 rounding (the model layer checks this before
using it, see `metacompress.models.kernels`).

`to_onednn_linears(module)` replaces, in place, the `nn.Linear` layers of `module` by
`OneDNNLinear` layers, one at a time, and gives the other tensors that read a file mapping
memory of their own (so a memory-mapped checkpoint is released and the weights are not held
twice), and
`to_dense_linears(module)` turns them back, with the very same values. `with_dense_linears`
gives a copy with plain `nn.Linear` layers that shares everything else (what an exporter
needs), leaving `module` as it is.
"""

from __future__ import annotations

import bisect
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


def file_mappings() -> list[tuple[int, int]] | None:
    """Sorted [start, end) address ranges of this process's file mappings (Linux
    /proc/self/maps); None where that cannot be read."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return None
    ranges = []
    for line in lines:
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/"):
            start, end = (int(x, 16) for x in fields[0].split("-"))
            ranges.append((start, end))
    return sorted(ranges)


def _in_file_mapping(tensor: torch.Tensor, ranges: list[tuple[int, int]] | None) -> bool:
    """Whether `tensor`'s memory lies in one of `ranges` (True when they are unknown)."""
    if ranges is None:
        return True
    address = tensor.data_ptr()
    k = bisect.bisect_right(ranges, (address, float("inf"))) - 1
    return k >= 0 and ranges[k][0] <= address < ranges[k][1]


def to_onednn_linears(module: nn.Module) -> int:
    """Replace the linear layers of `module` by `OneDNNLinear` in place; how many.

    The tensors left as they were (embeddings, layer norms) that read a file mapping are then
    copied into memory of their own: a model loaded from safetensors by transformers reads its
    weights from one memory-mapped file, which stays mapped, and counted in the resident
    memory, while any tensor still reads it, so the linear weights would otherwise be held
    twice (measured: +340 MB for a 12-layer, 768-hidden encoder). Tensors already in memory of
    their own are left alone (copying them would only add a transient peak: +140 MB for the
    word embeddings of a 125 M encoder); where the mappings cannot be read, every one is copied.
    """
    count = _replace(module, nn.Linear, OneDNNLinear)
    ranges = file_mappings()
    with torch.no_grad():
        for tensor in (*module.parameters(), *module.buffers()):
            if tensor.layout == torch.strided and _in_file_mapping(tensor, ranges):
                tensor.data = tensor.data.clone()
    return count


def to_dense_linears(module: nn.Module) -> int:
    """Replace the `OneDNNLinear` layers of `module` by `nn.Linear` in place; how many."""
    return _replace(module, OneDNNLinear, lambda layer: layer.to_linear())


def with_dense_linears(module: nn.Module) -> nn.Module:
    """A copy of `module` whose `OneDNNLinear` layers are plain `nn.Linear` layers again."""
    dense = _shallow_copy(module)
    to_dense_linears(dense)
    return dense.eval()
