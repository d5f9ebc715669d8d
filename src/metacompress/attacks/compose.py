"""Composition of edit steps: the edits of a multi-step result relative to the original text.

`compose(text, steps)` takes a text T0 and edit lists E1, ..., En, where Ei applies to the
output of the previous step, and returns one edit list E on T0 with apply_edits(T0, E) = Tn.

Two steps are composed in the middle text T1 (the output of the first): the first step's
replacement spans and the second step's spans are intervals of T1; intervals that meet (closed
intersection, so an insertion at the edge of a replacement joins it) form clusters. A cluster
[A, B) of T1 becomes one edit of T0: its ends map back through the text the first step kept
(or to the span of the first-step edit whose replacement they bound), and its replacement is
T1[A:B] with the second step's edits applied. Clusters are separated by kept text, so the
result never overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence

from metacompress.code.edits import Edit, apply_edits, sort_edits


def compose(text: str, steps: Sequence[Sequence[Edit]]) -> tuple[Edit, ...]:
    """One edit list on `text` equivalent to applying `steps` in order."""
    composed: list[Edit] = []
    current = text
    for step in steps:
        ordered = sort_edits(step)
        composed = _compose_two(text, composed, current, ordered)
        current = apply_edits(current, ordered)
    result = tuple(sort_edits(composed))
    if apply_edits(text, result) != current:
        raise AssertionError("edit composition does not reproduce the final text")
    return result


def _compose_two(text: str, first: list[Edit], middle: str, second: list[Edit]) -> list[Edit]:
    if not first:
        return list(second)
    if not second:
        return first
    t1 = middle.encode("utf-8")
    # Pieces of T1: kept runs of T0 (t1_start, t1_end, t0_start) and first-step replacements.
    kept: list[tuple[int, int, int]] = []
    replaced: list[tuple[int, int, Edit]] = []
    cursor0 = cursor1 = 0
    for edit in first:
        kept.append((cursor1, cursor1 + edit.start - cursor0, cursor0))
        cursor1 += edit.start - cursor0
        length = len(edit.replacement.encode("utf-8"))
        replaced.append((cursor1, cursor1 + length, edit))
        cursor1 += length
        cursor0 = edit.end
    kept.append((cursor1, len(t1), cursor0))

    intervals = sorted(
        [(a, b, "first", e) for a, b, e in replaced]
        + [(e.start, e.end, "second", e) for e in second],
        key=lambda item: (item[0], item[1]),
    )
    clusters: list[list[tuple[int, int, str, Edit]]] = []
    end = -1
    for item in intervals:
        if clusters and item[0] <= end:
            clusters[-1].append(item)
            end = max(end, item[1])
        else:
            clusters.append([item])
            end = item[1]

    def exact(position: int) -> int:
        for start1, end1, start0 in kept:
            if start1 <= position <= end1:
                return start0 + position - start1
        raise AssertionError(f"position {position} of the middle text is not kept text")

    result: list[Edit] = []
    for cluster in clusters:
        low = min(a for a, _, _, _ in cluster)
        high = max(b for _, b, _, _ in cluster)
        firsts = [e for _, _, kind, e in cluster if kind == "first"]
        seconds = [e for _, _, kind, e in cluster if kind == "second"]
        start0 = next((e.start for a, _, k, e in cluster if k == "first" and a == low), None)
        end0 = next((e.end for _, b, k, e in reversed(cluster) if k == "first" and b == high), None)
        start0 = exact(low) if start0 is None else start0
        end0 = exact(high) if end0 is None else end0
        if not seconds:
            result.extend(firsts)
            continue
        piece = t1[low:high].decode("utf-8")
        local = [Edit(e.start - low, e.end - low, e.replacement) for e in seconds]
        result.append(Edit(start0, end0, apply_edits(piece, local)))
    return result
