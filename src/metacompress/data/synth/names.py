"""Identifier pools for the generators: names vary, roles stay recognisable.

`NameDrawer.pick(pool)` returns a name from the pool not yet used in the same function, so the
names of one function are distinct; `function_name` makes C names such as `copy_header`,
`net_copy_header` or `copyHeader` and Java names such as `sumValues`.
"""

from __future__ import annotations

import random

POOLS: dict[str, tuple[str, ...]] = {
    # C roles
    "len": ("len", "n", "size", "count", "length", "nbytes", "sz", "num", "cnt", "avail"),
    "idx": ("i", "j", "k", "idx", "pos", "off", "x", "ii"),
    "buf": ("buf", "tmp", "out", "dst", "dest", "data", "line", "block", "scratch", "local"),
    "src": ("src", "in", "input", "p", "s", "from", "bytes", "payload", "raw", "str"),
    "acc": ("sum", "total", "acc", "result", "ret", "value", "crc", "hash", "h", "res"),
    "ptr": ("p", "cur", "node", "it", "entry", "e", "item", "elem", "q", "np"),
    "head": ("head", "list", "first", "root", "start", "chain"),
    "key": ("key", "id", "tag", "wanted", "needle", "k"),
    "val": ("val", "v", "fill", "value", "c", "byte", "init"),
    "cfg": ("cfg", "conf", "ctx", "opts", "settings", "st", "s"),
    "num": ("a", "b", "lo", "hi", "w", "h", "x", "y", "m", "d"),
    "msg": ("msg", "fmt", "text", "str", "message", "user", "label", "desc"),
    # Java roles
    "arr": ("a", "arr", "values", "nums", "data", "xs", "input", "numbers", "items", "vals"),
    "int": ("n", "num", "x", "value", "k", "limit", "count", "number", "m"),
    "str": ("s", "str", "text", "input", "word", "line", "value", "src"),
    "target": ("k", "key", "target", "needle", "value", "x", "wanted", "t"),
    "jidx": ("i", "j", "idx", "pos", "k", "index", "p"),
    "jacc": ("r", "res", "result", "acc", "total", "sum", "out", "ret", "count", "c"),
    "elem": ("x", "v", "e", "el", "item", "val", "elem", "cur"),
    "builder": ("sb", "b", "buf", "builder", "out", "res"),
    "tmp": ("t", "tmp", "prev", "next", "hi", "lo", "best", "copy"),
    "chr": ("c", "ch", "ch0", "cur", "letter"),
    "gap": ("checks", "steps", "seen", "guard", "ops", "iterations", "size0", "len0", "probe"),
}

VERBS = (
    "copy", "fill", "parse", "read", "load", "store", "append", "decode", "encode", "scan",
    "pack", "unpack", "process", "handle", "update", "build", "format", "write", "get", "set",
    "put", "check", "compute", "count", "find", "lookup", "merge", "split", "init", "reset",
)  # fmt: skip
NOUNS = (
    "header", "packet", "buffer", "record", "frame", "name", "token", "field", "entry",
    "block", "chunk", "message", "path", "label", "sample", "payload", "line", "key", "row",
    "table", "slot", "item", "value", "range", "stats", "node", "config", "stream", "page",
)  # fmt: skip
C_PREFIXES = ("", "", "", "net_", "img_", "io_", "av_", "vdev_", "util_", "str_", "blk_")


class NameDrawer:
    """Draws distinct identifiers for the roles of one function."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken: set[str] = set(taken or ())

    def pick(self, pool: str) -> str:
        options = [n for n in POOLS[pool] if n not in self.taken]
        name = self.rng.choice(options) if options else f"{POOLS[pool][0]}{len(self.taken)}"
        self.taken.add(name)
        return name


#: Names the C harness prelude defines; a generated function never takes one of them.
C_RESERVED = frozenset({"find_node", "push_node", "main"})


def c_function_name(rng: random.Random) -> str:
    """`copy_header`, `net_copy_header` or `copyHeader` (never a prelude name)."""
    while True:
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        if rng.random() < 0.2:
            name = verb + noun.capitalize()
        else:
            name = f"{rng.choice(C_PREFIXES)}{verb}_{noun}"
        if name not in C_RESERVED:
            return name


def java_method_name(rng: random.Random, stems: tuple[str, ...]) -> str:
    """A lower-camel-case name from `stems` (family names) or a generic verb + noun."""
    if stems and rng.random() < 0.6:
        return rng.choice(stems)
    verb = rng.choice(("compute", "calc", "process", "apply", "eval", "run", "handle", "get"))
    noun = rng.choice(("Value", "Result", "Data", "Items", "Input", "Stats", "Output", ""))
    return verb + noun
