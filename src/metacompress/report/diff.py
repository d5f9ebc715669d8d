"""Side-by-side line diff of a source and a follow-up input, as an escaped HTML table.

Lines are aligned with `difflib.SequenceMatcher`; each row holds (old line number, old text,
new line number, new text) and a class: equal, replace, delete or insert. Unchanged runs longer
than 2 * `context` lines are folded to their first and last `context` lines.
"""

from __future__ import annotations

import difflib
from html import escape


def diff_rows(
    old: str, new: str, context: int = 3
) -> list[tuple[str, int | None, str, int | None, str]]:
    """(kind, old line no, old text, new line no, new text) rows; kind 'fold' marks a gap."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[tuple[str, int | None, str, int | None, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            span = list(range(i2 - i1))
            if len(span) > 2 * context + 1:
                span = span[:context] + [-1] + span[-context:]
            for k in span:
                if k < 0:
                    rows.append(("fold", None, "", None, ""))
                else:
                    rows.append(("equal", i1 + k + 1, a[i1 + k], j1 + k + 1, b[j1 + k]))
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            old_no = i1 + k + 1 if i1 + k < i2 else None
            new_no = j1 + k + 1 if j1 + k < j2 else None
            rows.append(
                (
                    tag,
                    old_no,
                    a[i1 + k] if old_no else "",
                    new_no,
                    b[j1 + k] if new_no else "",
                )
            )
    return rows


def diff_table(old: str, new: str, context: int = 3) -> str:
    """The side-by-side diff as an HTML table; every code line is escaped."""
    body = []
    for kind, old_no, old_text, new_no, new_text in diff_rows(old, new, context):
        if kind == "fold":
            body.append('<tr class="fold"><td colspan="4">⋯</td></tr>')
            continue
        body.append(
            f'<tr class="{kind}"><td class="ln">{old_no or ""}</td><td class="old"><code>'
            f'{escape(old_text)}</code></td><td class="ln">{new_no or ""}</td>'
            f'<td class="new"><code>{escape(new_text)}</code></td></tr>'
        )
    return (
        '<table class="diff"><thead><tr><th></th><th>source</th><th></th><th>follow-up</th></tr>'
        "</thead><tbody>" + "".join(body) + "</tbody></table>"
    )
