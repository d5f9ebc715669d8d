"""Validity of every variant a deviation search found, checked again outside the search.

`validity(results, examples, lang, workdir)` gives, for one search's results:
- `found`: triggering inputs found; `invalid_variant_errors`: searches that ended because the
  search's own check (`space.check_variant`) refused the variant it was about to report;
- `recheck_problems`: found variants that fail a check made here from the stored result
  alone: the result's composed edits applied to the source give the variant, every step is a
  catalogue transformation of the language or `rename-identifier`, every renaming is listed
  as one, and no input of the variant has more parse-error nodes than the source's;
- `behaviour` (synthetic C examples, which carry a test harness): each source and each found
  variant compiled with gcc inside its harness and run (`code.behaviour.run_c`), the harness's
  calls renamed where a step renamed the function (`rename-function` changes the signature,
  so the whole program is transformed, as for every harness); `same` counts
  variants that print the same output and end alike (`same_behaviour`), `differs` names the
  others, `source_did_not_run` counts sources whose own program did not compile or run, and
  `source_nondeterministic` those whose program behaved differently in two runs (undefined
  behaviour of a vulnerable function: a use after free prints the allocator's pointer bits,
  a format-string bug prints a register; under address-space randomisation these change from
  run to run), for which a difference says nothing about the transformation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

INVALID = "invalid variant"
FUNCTION_NAME = re.compile(r"(\w+)\s*\(")


def program(example, inputs: Sequence[str]) -> str:
    """The harnessed C program of `example` with its function replaced by `inputs[0]`."""
    from metacompress.data.synth.harness import c_program

    old = FUNCTION_NAME.search(example.inputs[0]).group(1)
    new = FUNCTION_NAME.search(inputs[0]).group(1)
    harness = re.sub(rf"\b{re.escape(old)}\b", new, str(example.meta["harness"]))
    return c_program(
        replace(example, inputs=tuple(inputs), meta={**example.meta, "harness": harness})
    )


def recheck(result, source: Sequence[str], lang: str) -> list[str]:
    """Problems of a found variant, from the stored result alone (see the module docstring)."""
    from metacompress.attacks.deviation.space import RENAME_OPERATOR
    from metacompress.code.edits import apply_edits
    from metacompress.code.parsing import count_errors
    from metacompress.code.transform import TRANSFORMS

    problems = []
    replayed = tuple(
        apply_edits(text, edits) for text, edits in zip(source, result.edits, strict=True)
    )
    if replayed != tuple(result.inputs):
        problems.append("the edits do not give the variant")
    for step in result.steps:
        if step == RENAME_OPERATOR:
            continue
        if step not in TRANSFORMS or lang not in TRANSFORMS.entry(step).meta.get("languages", ()):
            problems.append(f"{step} is no catalogue transformation of {lang}")
    if len(result.renamings) > sum(step == RENAME_OPERATOR for step in result.steps):
        problems.append("more renamings than renaming steps")
    for side, (old, new) in enumerate(zip(source, result.inputs, strict=True)):
        if new != old and count_errors(new, lang) > count_errors(old, lang):
            problems.append(f"input {side + 1} parses worse than the source")
    return problems


def behaviour(found, by_id, workdir: Path) -> dict:
    """Source and variant programs compiled and run alike (see the module docstring)."""
    from metacompress.code.behaviour import run_c, same_behaviour

    same, differs, source_failed, nondeterministic = 0, [], 0, 0
    for index, result in enumerate(found):
        example = by_id[result.example_id]
        before = run_c(program(example, example.inputs), workdir / f"s{index}")
        if not before.ran:
            source_failed += 1
            continue
        if not same_behaviour(before, run_c(program(example, example.inputs), workdir / "again")):
            nondeterministic += 1
            continue
        after = run_c(program(example, result.inputs), workdir / f"v{index}")
        if same_behaviour(before, after):
            same += 1
        else:
            differs.append(result.example_id)
    return {
        "checked": len(found) - source_failed - nondeterministic,
        "same": same,
        "differs": differs,
        "source_did_not_run": source_failed,
        "source_nondeterministic": nondeterministic,
    }


def validity(results, examples, lang: str, workdir: Path) -> dict:
    """The validity record of one search's results (see the module docstring)."""
    by_id = {example.id: example for example in examples}
    found = [r for r in results if r.found]
    record = {
        "found": len(found),
        "invalid_variant_errors": sum(INVALID in r.reason for r in results),
        "recheck_problems": {
            r.example_id: problems
            for r in found
            if (problems := recheck(r, by_id[r.example_id].inputs, lang))
        },
    }
    if lang == "c" and found and all("harness" in by_id[r.example_id].meta for r in found):
        record["behaviour"] = behaviour(found, by_id, workdir)
    return record
