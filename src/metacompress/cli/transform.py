"""`metacompress transform`: apply registered transformations to one file, many files or a JSONL
stream.

One file, one transformation: the transformed code goes to standard output (exit 0); when the
transformation does not apply, the reason goes to standard error (exit 3).

    metacompress transform --lang c --name rename-all --seed 1 examples/snippets/copy_name.c

A batch (several files, `--in data.jsonl`, `--out`, several or no `--name`, `--seeds`): one
JSON line per (input, transformation, seed) goes to `--out` (standard output by default), as
`metacompress.code.batch` describes; an input or transformation that fails is that row's
`"error"`, counted on standard error (exit 0 all the same: every row is there). The output file
is written whole or not at all (`metacompress.atomic`).

    metacompress transform --in data.jsonl --out variants.jsonl --lang c --seeds 0,1

`--times K` applies a transformation K times in sequence, step i with seed S + i. `--param
key=value` sets a constructor parameter of the one named transformation; the value is read as
YAML (`fraction=0.5`, `names=[alpha,beta]`, `transforms=[rename-all,swap-if-else]`). Without
`--lang`, a file's language comes from its extension (.c, .h: C; .java: Java) and a JSONL row's
from its `lang` field.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from metacompress.errors import ConfigError

EXIT_NOT_APPLICABLE = 3
EXTENSIONS = {".c": "c", ".h": "c", ".java": "java"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transform",
        help="apply semantics-preserving transformations to C or Java code",
        description="One file: print the transformed code (exit 0) or why it does not apply "
        "(exit 3). Several files or --in JSONL: one JSON line per input, transformation and "
        "seed to --out.",
    )
    parser.add_argument("--lang", choices=("c", "java"), help="code language")
    parser.add_argument(
        "--name",
        action="append",
        default=None,
        metavar="NAME[,NAME...]",
        help="transformation (metacompress list transforms); repeatable; a batch without it "
        "applies every transformation of the input's language",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--seeds", default=None, metavar="S[,S...]", help="seeds of a batch")
    parser.add_argument(
        "--times", type=int, default=1, metavar="K", help="apply K times in sequence (default 1)"
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="constructor parameter, value read as YAML; repeatable",
    )
    parser.add_argument("--in", dest="jsonl", default=None, help="JSONL input, one code a row")
    parser.add_argument(
        "--field", default=None, help="the JSONL field holding the code (default code or func)"
    )
    parser.add_argument("--out", default=None, help="JSONL output of a batch (default stdout)")
    parser.add_argument("files", nargs="*", help="input files, or - for stdin")
    parser.set_defaults(handler=run)


def parse_params(items: list[str]) -> dict[str, Any]:
    """`["k=2", "names=[a, b]"]` -> `{"k": 2, "names": ["a", "b"]}` (values read as YAML)."""
    import yaml

    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--param must be KEY=VALUE, got {item!r}")
        try:
            params[key.strip()] = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError as error:
            raise ConfigError(f"--param {key}: value is not valid YAML ({error})") from None
    return params


def read_input(path: str) -> str:
    """The text of `path`, or of standard input for `-`."""
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read {path}: expected UTF-8 text") from None


def _names(args: argparse.Namespace) -> list[str] | None:
    if args.name is None:
        return None
    return [n.strip() for item in args.name for n in item.split(",") if n.strip()]


def _seeds(args: argparse.Namespace) -> list[int]:
    if args.seeds is None:
        return [args.seed]
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        raise ConfigError(
            f"--seeds must be integers separated by commas, got {args.seeds!r}"
        ) from None
    if not seeds:
        raise ConfigError("--seeds must name at least one seed")
    return seeds


def _language(path: str, lang: str | None) -> str:
    if lang is not None:
        return lang
    found = EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        raise ConfigError(f"{path}: cannot tell the language from the extension; give --lang")
    return found


def run(args: argparse.Namespace) -> int:
    if args.times < 1:
        raise ConfigError(f"--times must be at least 1, got {args.times}")
    names = _names(args)
    batch = (
        args.jsonl is not None
        or args.out is not None
        or args.seeds is not None
        or len(args.files) != 1
        or names is None
        or len(names) != 1
    )
    if args.jsonl is not None and args.files:
        raise ConfigError("give input files or --in JSONL, not both")
    if not batch:
        return _run_one(args, names[0] if names else "", args.files[0])
    if args.jsonl is None and not args.files:
        raise ConfigError("give input files or --in JSONL")
    return _run_batch(args, names)


def _run_one(args: argparse.Namespace, name: str, path: str) -> int:
    from metacompress.code.batch import apply_times
    from metacompress.code.parsing import parse
    from metacompress.code.transform import TRANSFORMS, NotApplicable

    transformation = TRANSFORMS.create(name, **parse_params(args.param))
    if path == "-" and args.lang is None:
        raise ConfigError("--lang is needed to read standard input")
    lang = _language(path, args.lang)
    code = read_input(path)
    result = apply_times(transformation, parse(code, lang), args.seed, args.times)
    if isinstance(result, NotApplicable):
        print(f"metacompress: not applicable: {result.reason}", file=sys.stderr)
        return EXIT_NOT_APPLICABLE
    sys.stdout.write(result.code)
    return 0


def _file_inputs(files: list[str], lang: str | None) -> Iterator[Any]:
    from metacompress.code.batch import Input

    for path in files:
        try:
            language = _language(path, lang)
            yield Input(path, read_input(path), language)
        except ConfigError as error:
            yield Input(path, "", lang or "", str(error))


def _jsonl_inputs(path: str, lang: str | None, field: str | None) -> Iterator[Any]:
    from metacompress.code.batch import Input

    try:
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            where = f"{path}:{number}"
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                yield Input(where, "", lang or "", f"{where}: not JSON ({error.msg})")
                continue
            if not isinstance(row, dict):
                yield Input(where, "", lang or "", f"{where}: expected a JSON object")
                continue
            key = field or next((k for k in ("code", "func") if k in row), "code")
            ident = str(row.get("id", row.get("idx", where)))
            language = lang or row.get("lang")
            code = row.get(key)
            if not isinstance(code, str):
                yield Input(ident, "", str(language), f"{where}: no text field {key!r}")
            elif not isinstance(language, str):
                yield Input(ident, code, "", f"{where}: no language (give --lang or a lang field)")
            else:
                yield Input(ident, code, language)


def _run_batch(args: argparse.Namespace, names: list[str] | None) -> int:
    from metacompress.code.batch import transformations, variant_rows

    chosen = transformations(names, parse_params(args.param))
    inputs = (
        _jsonl_inputs(args.jsonl, args.lang, args.field)
        if args.jsonl is not None
        else _file_inputs(args.files, args.lang)
    )
    rows = variant_rows(inputs, chosen, _seeds(args), args.times, all_names=names is None)
    counts = _write_rows(rows, args.out)
    print(
        f"metacompress: {counts['rows']} rows: {counts['applied']} applied, "
        f"{counts['not applicable']} not applicable, {counts['error']} errors",
        file=sys.stderr,
    )
    return 0


def _write_rows(rows: Iterator[dict[str, Any]], out: str | None) -> Counter[str]:
    """Write the rows as JSON lines to `out` (written whole, then renamed into place: see
    `metacompress.atomic`) or to standard output; count them."""
    from metacompress.atomic import atomic_output

    counts: Counter[str] = Counter(rows=0, applied=0, error=0)
    counts["not applicable"] = 0
    if out is None or out == "-":
        _dump(rows, sys.stdout, counts)
        return counts
    target = Path(out)
    if not target.parent.is_dir():
        raise ConfigError(f"cannot write {out}: no folder {target.parent}")
    with atomic_output(target, "w", encoding="utf-8") as handle:
        _dump(rows, handle, counts)
    return counts


def _dump(rows: Iterator[dict[str, Any]], handle: TextIO, counts: Counter[str]) -> None:
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        counts["rows"] += 1
        if "error" in row:
            counts["error"] += 1
        elif row["applied"]:
            counts["applied"] += 1
        else:
            counts["not applicable"] += 1
