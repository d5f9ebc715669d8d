"""Teacher-student deviation search: semantics-preserving inputs on which the student's answer
differs from its teacher's.

Every search is registered in `SEARCHES` and runs as
`SEARCHES.create(name, **params).run(examples, teacher, student, lang, seed)`, returning one
`DeviationResult` per example: `deviation` (DFlare's Metropolis-Hastings search, `dflare`) and
its baseline `deviation-random` (random sampling from the same space, `sampling`). Queries go
through the `PairEngine` (every input scored by both models, pooled and memoised); the space
is the transformation catalogue plus identifier renamings (`space`); `summarize` gives the
share of sources with a triggering input and the queries it took.
"""

from metacompress.attacks.deviation.base import SEARCHES, DeviationSearch, search
from metacompress.attacks.deviation.pair import PairEngine
from metacompress.attacks.deviation.result import DeviationResult
from metacompress.attacks.deviation.summary import DeviationSummary, summarize

__all__ = [
    "SEARCHES",
    "DeviationResult",
    "DeviationSearch",
    "DeviationSummary",
    "PairEngine",
    "search",
    "summarize",
]
