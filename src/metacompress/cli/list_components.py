"""`metacompress list KIND`: the registered components of one family, read from its registry."""

from __future__ import annotations

import argparse
import importlib

#: kind -> (module, registry attribute). The registries themselves enumerate their members.
REGISTRIES = {
    "transforms": ("metacompress.code.transform", "TRANSFORMS"),
    "relations": ("metacompress.relations.base", "RELATIONS"),
    "attacks": ("metacompress.attacks.base", "ATTACKS"),
    "searches": ("metacompress.attacks.deviation.base", "SEARCHES"),
    "distillers": ("metacompress.distill.base", "DISTILLERS"),
    "formats": ("metacompress.models.formats", "FORMATS"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("list", help="list registered components of one kind")
    parser.add_argument("kind", choices=sorted(REGISTRIES))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    module_name, attribute = REGISTRIES[args.kind]
    registry = getattr(importlib.import_module(module_name), attribute)
    entries = registry.entries()
    width = max((len(e.name) for e in entries), default=0)
    for entry in entries:
        extra = ""
        languages = entry.meta.get("languages")
        if languages:
            extra = f" [{','.join(sorted(languages))}]"
        print(f"{entry.name:<{width}}{extra}  {entry.description}")
    return 0
