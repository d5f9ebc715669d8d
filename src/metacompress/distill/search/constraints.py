"""Constraint-based pruning of a search space with the z3 SMT solver (AVATAR, step 1).

AVATAR encodes the configuration space as integer constraints: each architecture gene lies on
its grid (vocabulary a multiple of its step, and so on), the hidden size is a multiple of the
number of heads, and the model size at fp32 does not exceed the target:

    4 * parameters(V, L, H, I, S) <= target_mb * 1e6

with `parameters` the polynomial of `metacompress.distill.size`. The solver then finds, for
every gene, the smallest and largest value that some complete feasible configuration uses; the
search runs inside these pruned bounds, so no gene is ever set to a value that cannot be part
of a model within the size target. (AVATAR enumerates the feasible models in chunks; bounds by
binary search over `check()` give the same box and take well under a second.)

Determinism: the box depends only on the space and the target. Each call builds its problem
in a fresh z3 context (in a shared one, the terms earlier calls made change the solver's
heuristics), and limits each query by z3's deterministic resource count (`SOLVER_RLIMIT`), not
by wall time (a timeout made the box depend on the machine's load). A query the solver gives
up on ("unknown") cannot exclude a value: it is kept, so the box is never tighter than proven.
"""

from __future__ import annotations

from typing import Any

from metacompress.distill.search.space import Gene, SearchSpace
from metacompress.distill.size import NUM_LABELS, parameter_terms
from metacompress.errors import ConfigError

ARCH_GENES = (
    "vocab_size",
    "num_layers",
    "hidden_size",
    "intermediate_size",
    "num_heads",
    "max_length",
)
#: z3 resource units per query (`rlimit`, deterministic; about 0.1-0.5 s per million here): the
#: queries of the three methods' spaces use under 0.25 M each.
SOLVER_RLIMIT = 50_000_000


def _grid_variable(z3: Any, solver: Any, gene: Gene, name: str) -> Any:
    """An integer z3 variable restricted to the gene's grid (a choice list for categoricals)."""
    var = z3.Int(name, solver.ctx)
    if gene.choices:
        solver.add(z3.Or([var == int(c) for c in gene.choices]))
        return var
    k = z3.Int(f"{name}_k", solver.ctx)
    solver.add(k >= 0, k < gene.size, var == int(gene.low) + int(gene.step) * k)
    return var


def prune(space: SearchSpace, target_mb: float, fixed: dict[str, int]) -> tuple[SearchSpace, dict]:
    """The space with each architecture gene's bounds tightened to the feasible ones.

    `fixed` gives the value of an architecture setting that is not a gene (e.g. max_length).
    Returns the pruned space and a report {gene: [low, high] before and after}.
    """
    import z3

    solver = z3.Solver(ctx=z3.Context())
    solver.set("rlimit", SOLVER_RLIMIT)
    variables: dict[str, Any] = {}
    for name in ARCH_GENES:
        if name in space.names:
            gene = space.gene(name)
            if gene.choices and not all(isinstance(c, int) for c in gene.choices):
                raise ConfigError(f"gene {name} must hold integers to be pruned")
            variables[name] = _grid_variable(z3, solver, gene, name)
        elif name in fixed:
            variables[name] = z3.IntVal(int(fixed[name]), solver.ctx)
        else:
            raise ConfigError(f"pruning needs {name}: expected a gene or a fixed value")
    lows = {
        n: (_bounds(space.gene(n))[0] if n in space.names else int(fixed[n])) for n in ARCH_GENES
    }
    solver.add(variables["hidden_size"] % variables["num_heads"] == 0)
    solver.add(_parameters(z3, solver, variables, lows) <= int(target_mb * 1e6 // 4))
    if solver.check() == z3.unsat:
        raise ConfigError(
            f"no student configuration fits within {target_mb} MB in this search space"
        )
    report: dict[str, dict[str, list[float]]] = {}
    pruned = space
    for name in ARCH_GENES:
        if name not in space.names:
            continue
        gene = space.gene(name)
        values = sorted(int(c) for c in gene.choices) if gene.choices else None
        low = _extreme(z3, solver, variables[name], gene, values, largest=False)
        high = _extreme(z3, solver, variables[name], gene, values, largest=True)
        report[name] = {"before": _bounds(gene), "after": [low, high]}
        if not gene.choices:
            pruned = pruned.with_gene(Gene(name, float(low), float(high), gene.step))
        else:
            kept = tuple(c for c in gene.choices if low <= int(c) <= high)
            pruned = pruned.with_gene(Gene(name, choices=kept))
    return pruned, report


def _product(z3: Any, solver: Any, x: Any, y: Any, x_low: int, y_low: int, name: str) -> Any:
    """A variable equal to x*y, with the linear bound (x - x_low)(y - y_low) >= 0 added."""
    product = z3.Int(name, solver.ctx)
    solver.add(product == x * y, product >= x_low * y + y_low * x - x_low * y_low)
    return product


def _parameters(z3: Any, solver: Any, var: dict[str, Any], low: dict[str, int]) -> Any:
    """`size.parameter_terms` over z3 variables, each product named and linearly bounded.

    The redundant bounds let the solver's linear core prove that a large value of one gene
    cannot fit (nonlinear integer reasoning alone takes seconds per query).
    """
    v, layers, h, i = (
        var["vocab_size"],
        var["num_layers"],
        var["hidden_size"],
        var["intermediate_size"],
    )
    positions = var["max_length"] + 2
    hl, il = low["hidden_size"], low["intermediate_size"]
    vh = _product(z3, solver, v, h, low["vocab_size"], hl, "vh")
    ph = _product(z3, solver, positions, h, low["max_length"] + 2, hl, "ph")
    hh = _product(z3, solver, h, h, hl, hl, "hh")
    hi = _product(z3, solver, h, i, hl, il, "hi")
    layer = z3.Int("layer", solver.ctx)
    layer_low = parameter_terms(0, 1, hl, il, 0, 0) - parameter_terms(0, 0, hl, il, 0, 0)
    solver.add(layer == 4 * hh + 4 * h + 2 * hi + i + h + 4 * h)
    stack = _product(z3, solver, layers, layer, low["num_layers"], layer_low, "stack")
    return vh + ph + h + 2 * h + stack + hh + h + 2 * h + NUM_LABELS


def _bounds(gene: Gene) -> list[float]:
    if gene.choices:
        return [min(gene.choices), max(gene.choices)]
    return [gene.low, gene.high]


def _extreme(
    z3: Any, solver: Any, var: Any, gene: Gene, values: list[int] | None, largest: bool
) -> int:
    """The smallest or largest feasible value of `var`, by binary search over its grid (a
    query the solver cannot decide counts as feasible)."""
    grid = (
        values if values is not None else [int(gene.low + k * gene.step) for k in range(gene.size)]
    )
    lo, hi, best = 0, len(grid) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        solver.push()
        solver.add(var >= grid[mid] if largest else var <= grid[mid])
        feasible = solver.check() != z3.unsat
        solver.pop()
        if feasible == largest:
            lo = mid + 1
        else:
            hi = mid - 1
        if feasible:
            best = grid[mid]
    if best is None:
        raise ConfigError(f"gene {gene.name} has no feasible value")
    return best
