"""The transformation catalogue: one module per family, each registering its transformations.

Every module of this package is imported here, so a new family is a new file and nothing else.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
