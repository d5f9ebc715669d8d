"""Every registered transformation passes `metacompress.testing.check_transformation` (the
scikit-learn way), one check at a time, on the sample programs of `metacompress.testing`."""

from __future__ import annotations

import pytest

from metacompress.code.transform import TRANSFORMS
from metacompress.testing.samples import SAMPLES
from metacompress.testing.transformations import TRANSFORMATION_CHECKS

NAMES = TRANSFORMS.names()


def test_the_catalogue_has_at_least_twelve_transformations() -> None:
    assert len(NAMES) >= 12


@pytest.mark.parametrize("check", TRANSFORMATION_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", NAMES)
def test_transformation_conformance(name: str, check) -> None:
    check(TRANSFORMS.get(name), SAMPLES)
