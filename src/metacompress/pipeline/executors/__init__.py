"""Where units of work run: the executor interface (`base`) and one module per backend."""

from metacompress.pipeline.executors.base import (
    EXECUTORS,
    Executor,
    check_backend,
    check_workers,
    executor,
    make_executor,
)

__all__ = ["EXECUTORS", "Executor", "check_backend", "check_workers", "executor", "make_executor"]
