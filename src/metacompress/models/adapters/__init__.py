"""The model formats: one module per family, each registering its formats.

Every module of this package is imported here, so a new format is a new file and nothing else.
Modules import torch, transformers or onnxruntime only inside `load`.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
