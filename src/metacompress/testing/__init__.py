"""Conformance checks for every component family, the project's own and plugins', as
scikit-learn offers `check_estimator`.

    from metacompress.testing import check_transformation
    check_transformation("my-transformation")   # raises AssertionError naming what failed

- `check_transformation(name_or_class, samples=None)` (`testing.transformations`);
- `check_relation(name_or_class)` (`testing.relations`);
- `check_attack(name_or_class, params=None, victim=None, examples=..., lang="c")`
  (`testing.attacks`);
- `check_model_format(spec, **load_options)`: a loaded model of any format
  (`testing.model_formats`);
- `check_distiller(name_or_class)` and, on a tiny budget, `check_distillation(...)`
  (`testing.distillers`).

Each module also lists its checks (`TRANSFORMATION_CHECKS`, `RELATION_CHECKS`, ...), so a test
suite can run them one at a time. `testing.tiny` builds tiny real models to test with, and
`testing.samples` holds the C and Java code the checks run on.
"""

from metacompress.testing.attacks import check_attack
from metacompress.testing.distillers import check_distillation, check_distiller
from metacompress.testing.model_formats import check_model_format
from metacompress.testing.relations import check_relation
from metacompress.testing.transformations import check_transformation

__all__ = [
    "check_attack",
    "check_distillation",
    "check_distiller",
    "check_model_format",
    "check_relation",
    "check_transformation",
]
