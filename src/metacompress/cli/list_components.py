"""`metacompress list FAMILY`: the registered components of one family, read from its registry.

The families are those of `metacompress.registry.FAMILIES`; third-party plugins
(entry-point group ``metacompress.plugins``) appear beside the project's own components.
"""

from __future__ import annotations

import argparse

from metacompress.registry import FAMILIES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("list", help="list the registered components of one family")
    parser.add_argument("family", choices=sorted(FAMILIES), help="component family")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from metacompress.registry import family

    entries = family(args.family).entries()
    width = max((len(e.name) for e in entries), default=0)
    for entry in entries:
        languages = entry.meta.get("languages")
        extra = f" [{','.join(sorted(languages))}]" if languages else ""
        print(f"{entry.name:<{width}}{extra}  {entry.description}")
    return 0
