"""Assertions shared by the catalogue tests: a transformation applies (its output) or does not
(its reason)."""

from metacompress.code.transform import TRANSFORMS, Applied, NotApplicable


def applied(name: str, code: str, lang: str, seed: int = 0, **params) -> str:
    """The transformed code; fails when the transformation does not apply."""
    result = TRANSFORMS.create(name, **params).apply(code, lang, seed)
    assert isinstance(result, Applied), getattr(result, "reason", result)
    return result.code


def reason(name: str, code: str, lang: str, seed: int = 0, **params) -> str:
    """Why the transformation does not apply; fails when it applies."""
    result = TRANSFORMS.create(name, **params).apply(code, lang, seed)
    assert isinstance(result, NotApplicable) and result.reason, getattr(result, "code", result)
    return result.reason
