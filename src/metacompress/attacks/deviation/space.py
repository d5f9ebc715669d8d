"""The space the deviation searches walk: catalogue transformations and identifier renamings.

A state is the example's inputs after a sequence of steps. A step applies one *operator* to one
input the search may change (the first input of a clone pair, or either with `perturb="both"`,
the side drawn uniformly); operators are
- every registered transformation of the language that is neither a renaming nor a combinator
  (`compose`), with its default parameters and a seed drawn from the search's rng, applied
  through the transformation engine (so the result parses no worse than its input);
- `rename-identifier` (unless turned off): one renamable local or parameter of the input
  (`metacompress.code.symbols`), drawn uniformly, renamed to a name drawn uniformly from the
  data set's identifier vocabulary by the renaming engine (`code.rename.rename_symbols`: a
  scope-correct alpha-renaming that parses no worse); up to `NAME_ATTEMPTS` names are drawn.
An operator that does not apply to a state gives no child (`mutate` returns None).

Every step is therefore a catalogue transformation or an alpha-renaming of its input, and
`check_variant` verifies this again, independently, for the variants a search reports: each
step replays to the next text, each renaming step passes `alpha_renaming_problems`, each other
step names a catalogue transformation of the language, and the variant has no more parse-error
nodes than the source. The edits of a state relative to the source are the steps' edits
composed (`attacks.compose`).
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from metacompress.attacks.compose import compose
from metacompress.attacks.structural import structural_transforms
from metacompress.code.edits import Edit, apply_edits
from metacompress.code.parsing import ParsedCode, count_errors, parse
from metacompress.code.rename import alpha_renaming_problems, rename_symbols
from metacompress.code.symbols import SymbolTable, analyse
from metacompress.code.transform import Transformation

RENAME_OPERATOR = "rename-identifier"
#: Vocabulary names tried for one renaming before the operator gives up on the state.
NAME_ATTEMPTS = 8
#: Parsed texts kept per space (a search mutates the same few states again and again).
PARSE_CACHE = 16


@dataclass(frozen=True)
class Step:
    """One operator applied to input `side`; `edits` are relative to that input's previous
    text; `renaming` is (old, new) for a renaming step."""

    side: int
    operator: str
    edits: tuple[Edit, ...]
    renaming: tuple[str, str] | None = None


@dataclass(frozen=True)
class State:
    """The inputs reached and the steps that reached them from the source."""

    inputs: tuple[str, ...]
    steps: tuple[Step, ...] = ()

    @property
    def operators(self) -> tuple[str, ...]:
        return tuple(step.operator for step in self.steps)

    @property
    def renamings(self) -> tuple[tuple[int, str, str], ...]:
        return tuple(
            (step.side, *step.renaming) for step in self.steps if step.renaming is not None
        )

    def edits(self, source: Sequence[str]) -> tuple[tuple[Edit, ...], ...]:
        """One tuple of edits per input, relative to the source input."""
        return tuple(
            compose(text, [step.edits for step in self.steps if step.side == side])
            for side, text in enumerate(source)
        )


def catalogue_operators(lang: str, names: Sequence[str] = ()) -> list[Transformation]:
    """The catalogue's operators for `lang`: its non-renaming, non-combinator transformations
    (all, or those `names`)."""
    from metacompress.code.combine import is_combinator

    chosen = structural_transforms(lang, names)
    return [t for t in chosen if not is_combinator(type(t))]


class Space:
    """The operators of one search and how they mutate a state (see the module docstring)."""

    def __init__(
        self,
        lang: str,
        sides: Sequence[int],
        transforms: Sequence[Transformation],
        vocabulary: Sequence[str] = (),
    ) -> None:
        self.lang = lang
        self.sides = tuple(sides)
        self.transforms = {t.name: t for t in transforms}
        self.vocabulary = list(vocabulary)
        self.operators = tuple(self.transforms) + ((RENAME_OPERATOR,) if self.vocabulary else ())
        self._parsed: OrderedDict[str, tuple[ParsedCode, SymbolTable | None]] = OrderedDict()

    def mutate(self, state: State, operator: str, rng: random.Random) -> State | None:
        """The child of `state` by `operator`, or None when it does not apply."""
        side = self.sides[rng.randrange(len(self.sides))] if len(self.sides) > 1 else self.sides[0]
        parsed = self._parse(state.inputs[side])
        if operator == RENAME_OPERATOR:
            step = self._rename(parsed, side, rng)
        else:
            result = self.transforms[operator].apply_parsed(parsed, rng.randrange(2**31))
            step = (
                (result.code, Step(side, operator, tuple(result.edits)))
                if result.applicable
                else None
            )
        if step is None:
            return None
        code, made = step
        inputs = state.inputs[:side] + (code,) + state.inputs[side + 1 :]
        return State(inputs, state.steps + (made,))

    def _rename(self, parsed: ParsedCode, side: int, rng: random.Random) -> tuple[str, Step] | None:
        table = self._table(parsed)
        if not table.symbols:
            return None
        symbol = table.symbols[rng.randrange(len(table.symbols))]
        for _ in range(NAME_ATTEMPTS):
            name = self.vocabulary[rng.randrange(len(self.vocabulary))]
            if name == symbol.name:
                continue
            result = rename_symbols(parsed, {symbol: name})
            if result.applicable:
                step = Step(side, RENAME_OPERATOR, tuple(result.edits), (symbol.name, name))
                return result.code, step
        return None

    def _parse(self, code: str) -> ParsedCode:
        if code in self._parsed:
            self._parsed.move_to_end(code)
            return self._parsed[code][0]
        parsed = parse(code, self.lang)
        self._parsed[code] = (parsed, None)
        while len(self._parsed) > PARSE_CACHE:
            self._parsed.popitem(last=False)
        return parsed

    def _table(self, parsed: ParsedCode) -> SymbolTable:
        cached = self._parsed.get(parsed.code)
        if cached is not None and cached[1] is not None:
            return cached[1]
        table = analyse(parsed)
        self._parsed[parsed.code] = (parsed, table)
        return table


def check_variant(source: Sequence[str], state: State, lang: str) -> list[str]:
    """Why `state` is not a valid follow-up of `source` (empty when it is); see the module
    docstring for the rules."""
    from metacompress.code.transform import TRANSFORMS

    problems: list[str] = []
    texts = list(source)
    for number, step in enumerate(state.steps, 1):
        before = texts[step.side]
        after = apply_edits(before, step.edits)
        if step.operator == RENAME_OPERATOR:
            problems += [
                f"step {number}: {p}" for p in alpha_renaming_problems(before, after, lang)
            ]
        elif step.operator not in TRANSFORMS or lang not in TRANSFORMS.entry(
            step.operator
        ).meta.get("languages", ()):
            problems.append(f"step {number}: {step.operator} is no catalogue transformation")
        texts[step.side] = after
    if tuple(texts) != tuple(state.inputs):
        problems.append("the steps do not reproduce the variant")
    for side, (old, new) in enumerate(zip(source, state.inputs, strict=True)):
        if new != old and count_errors(new, lang) > count_errors(old, lang):
            problems.append(f"input {side + 1} parses worse than the source")
    return problems
