"""`metacompress transform`: apply one registered transformation to a file and print the result.

    metacompress transform --lang c --name rename-all --seed 1 examples/snippets/copy_name.c

The transformed code goes to standard output (exit 0); when the transformation does not apply,
the reason goes to standard error (exit 3). `--times K` applies the transformation K times in
sequence, step i with seed S + i. `--param key=value` sets a constructor parameter; the value
is read as YAML (`fraction=0.5`, `names=[alpha,beta]`, `transforms=[rename-all,swap-if-else]`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from metacompress.errors import ConfigError

EXIT_NOT_APPLICABLE = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transform",
        help="apply a semantics-preserving transformation to C or Java code",
        description="Print the transformed code (exit 0) or why it does not apply (exit 3).",
    )
    parser.add_argument("--lang", required=True, choices=("c", "java"), help="code language")
    parser.add_argument(
        "--name", required=True, help="transformation (metacompress list transforms)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
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
    parser.add_argument("file", nargs="?", default="-", help="input file, or - for stdin")
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


def run(args: argparse.Namespace) -> int:
    from metacompress.code.transform import TRANSFORMS, NotApplicable

    if args.times < 1:
        raise ConfigError(f"--times must be at least 1, got {args.times}")
    transformation = TRANSFORMS.create(args.name, **parse_params(args.param))
    code = read_input(args.file)
    for step in range(args.times):
        result = transformation.apply(code, args.lang, args.seed + step)
        if isinstance(result, NotApplicable):
            where = f" (step {step + 1} of {args.times})" if args.times > 1 else ""
            print(f"metacompress: not applicable{where}: {result.reason}", file=sys.stderr)
            return EXIT_NOT_APPLICABLE
        code = result.code
    sys.stdout.write(code)
    return 0
