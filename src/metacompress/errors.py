"""Exceptions shared by every layer.

`ConfigError` is raised for bad parameters, configs and files: its message names what was
expected and what came, so the CLI can print it and exit with status 2.
"""


class MetaCompressError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(MetaCompressError, ValueError):
    """A parameter, config key or input file is not what was expected."""


class NotApplicableError(MetaCompressError):
    """A component cannot act on this input; the message is the reason."""
