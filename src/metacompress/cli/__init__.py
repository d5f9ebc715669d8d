"""The `metacompress` command.

Each sub-command lives in its own module of this package and exposes
`register(subparsers) -> None`, which adds its parser and sets `handler=fn(args) -> int`.
Modules are discovered, so adding a command touches no other file. Handlers import heavy
dependencies lazily, so `metacompress --help` stays fast.

Exit status: 0 success, 1 a quality gate failed, 2 usage or config error, 3 "not applicable"
(for `transform`), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from metacompress import __version__
from metacompress.errors import ConfigError
from metacompress.progress import set_quiet

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE, EXIT_NOT_APPLICABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="metacompress",
        description="Does a distilled code model behave like its teacher, or only score like it?",
    )
    parser.add_argument("--version", action="version", version=f"metacompress {__version__}")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    set_quiet(args.quiet)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(handler(args) or EXIT_OK)
    except ConfigError as error:
        print(f"metacompress: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("metacompress: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
