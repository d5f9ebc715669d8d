"""The model formats: one module per family, each registering its formats.

`metacompress.models.formats.FORMATS` imports every module of this package on its first lookup,
so a new format is a new file and nothing else. Modules import torch, transformers or
onnxruntime only inside `load`.
"""
