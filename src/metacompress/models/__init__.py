"""The model layer: the Classifier protocol, adapters for real model formats, batching, cache."""

from metacompress.models.base import Classifier

__all__ = ["Classifier"]
