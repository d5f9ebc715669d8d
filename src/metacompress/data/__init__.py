"""Examples and variants, data set loaders and the built-in synthetic benchmark."""

from metacompress.data.types import Example, Variant

__all__ = ["Example", "Variant"]
