"""The `metacompress` command.

Each sub-command lives in its own module of this package and exposes
`register(subparsers) -> None`, which adds its parser and sets `handler=fn(args) -> int`.
Modules are discovered, so adding a command touches no other file. Handlers import heavy
dependencies lazily, so `metacompress --help` stays fast.

Exit status: 0 success, 1 a quality gate failed, 2 usage or config error, 3 "not applicable"
(for `transform`), 130 interrupted. Exit 1 means only "a gate failed": every error, expected or
not, exits 2 with one line that names the file and the problem (`describe_failure`); the
traceback is printed only with `metacompress --debug ...`.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import pkgutil
import re
import sys
import traceback
from collections.abc import Sequence

from metacompress import __version__
from metacompress.errors import MetaCompressError
from metacompress.progress import set_quiet

#: How pathlib (before Python 3.13) words the RuntimeError of resolving a symbolic link loop.
_SYMLINK_LOOP = re.compile(r"^Symlink loop from '(.*)'$")
EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE, EXIT_NOT_APPLICABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="metacompress",
        description="Does a distilled code model behave like its teacher, or only score like it?",
    )
    parser.add_argument("--version", action="version", version=f"metacompress {__version__}")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of an error (exit status 2)"
    )
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
    except KeyboardInterrupt:
        print("metacompress: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the top level: every failure is one line and exit 2
        if args.debug:
            traceback.print_exc()
        print(f"metacompress: error: {describe_failure(error)}", file=sys.stderr)
        return EXIT_USAGE


def describe_failure(error: BaseException) -> str:
    """One line for an error that reached the top level.

    An error this package raises on purpose (`MetaCompressError`, e.g. a ConfigError) already
    names the file and the problem; an OSError names its file and the system's reason; anything
    else is unexpected (a bug, or a library failing on input nobody checked) and says how to get
    the traceback.
    """
    if isinstance(error, MetaCompressError):
        return str(error)
    if isinstance(error, MemoryError):
        return "out of memory; try a smaller --batch-size, --workers or --limit"
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename is not None else ""
        hint = " (a symbolic link loop)" if error.errno == errno.ELOOP else ""
        return f"{where}{error.strerror}{hint}"
    loop = _SYMLINK_LOOP.match(str(error)) if isinstance(error, RuntimeError) else None
    if loop:  # pathlib's Path.resolve() before Python 3.13
        return f"{loop.group(1)}: a symbolic link loop"
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return (
        f"unexpected {type(error).__name__}{': ' + first if first else ''} "
        "(rerun with `metacompress --debug ...` for the traceback)"
    )
