"""Examples and variants, data set loaders and the built-in synthetic benchmark."""

from metacompress.data.loaders import load_examples
from metacompress.data.result import FlaggedRow, LoadResult, SkippedRow
from metacompress.data.types import Example, Variant

__all__ = ["Example", "FlaggedRow", "LoadResult", "SkippedRow", "Variant", "load_examples"]
