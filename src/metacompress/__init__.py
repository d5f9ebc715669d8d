"""MetaCompress: does a distilled code model behave like its teacher, or only score like it?

The public Python API (imported lazily: `import metacompress` loads no model library)::

    import metacompress as mc
    result = mc.run("examples/devign.yaml", teacher=teacher, student=student, limit=50)

- `run(config, teacher=, student=, students=, data=, out=, limit=, resume=, **settings) ->
  RunResult`: one experiment or study (`workflows.experiment`; models as objects or specs,
  `students={NAME: model}` for several); the result has the summary, the gates, `passed`, the
  per-example `tables` and the paper's `paper_tables` (pyarrow) and `to_html()` /
  `to_markdown()`;
- `load_model(spec, device=...)`: a model from a spec file, folder, hub id or mapping;
- `load_examples(source, task, format=..., limit=...)`: a data set, bad rows counted;
- `transform(code, name, lang, seed=0, **params)`: one registered transformation;
- `attack(method, model, examples, student=None, **params) -> AttackReport`: an attack on a
  model, or on a teacher and its student compared (`workflows.attack`);
- `compare(dirs, out=None, allow_mismatch=False) -> list[Table]`: the paper's tables over run
  and study directories (`report.compare`; each table `.to_arrow()` / `.to_pandas()`), written
  to `out` when given;
- the registries of every component family: `TRANSFORMS`, `RELATIONS`, `ATTACKS`,
  `DISTILLERS`, `MODEL_FORMATS`, `DATA_FORMATS`, `REPORT_FORMATS`, `EXECUTORS`, and
  `family(name)` for the registry of any family of `metacompress.registry.FAMILIES`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> "module:attribute" it is imported from on first use.
_EXPORTS = {
    "run": "metacompress.workflows.experiment:run",
    "RunResult": "metacompress.workflows.experiment:RunResult",
    "load_model": "metacompress.models.spec:load_model",
    "load_examples": "metacompress.data.loaders:load_examples",
    "transform": "metacompress.workflows.transform:transform",
    "attack": "metacompress.workflows.attack:attack",
    "compare": "metacompress.report.compare:compare",
    "family": "metacompress.registry:family",
    "TRANSFORMS": "metacompress.code.transform:TRANSFORMS",
    "RELATIONS": "metacompress.relations.base:RELATIONS",
    "ATTACKS": "metacompress.attacks.base:ATTACKS",
    "DISTILLERS": "metacompress.distill.base:DISTILLERS",
    "MODEL_FORMATS": "metacompress.models.formats:FORMATS",
    "DATA_FORMATS": "metacompress.data.formats:DATA_FORMATS",
    "REPORT_FORMATS": "metacompress.report.formats:REPORT_FORMATS",
    "EXECUTORS": "metacompress.pipeline.executors.base:EXECUTORS",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'metacompress' has no attribute {name!r}")
    module, attribute = _EXPORTS[name].split(":")
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
