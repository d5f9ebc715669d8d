"""Behaviour preservation on small C programs written to hit what Juliet lacks: continue in
for loops, labels and goto, switch fall-through, comma operators, compound assignments,
`x = x op y`, else-if chains, `++*p`, pointer arithmetic, single-statement bodies, macros that
name locals. Every C transformation at several seeds; gcc must compile each result and it must
print what the original prints.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metacompress.code.behaviour import run_c, same_behaviour
from metacompress.code.transform import TRANSFORMS

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")

PROGRAMS = {
    "loops": r"""
#include <stdio.h>
int skip_sum(int n) {
    int s = 0, i, j;
    for (i = 0, j = n; i < j; i++, j--) {
        if (i % 3 == 0) continue;
        for (int k = 0; k < 2; k++) { if (k) continue; s += k; }
        switch (i) { case 4: continue; default: s += i * j; }
    }
    return s;
}
int count_down(int n) {
    int steps = 0;
    n = n * 2;
    while (n > 0) {
        if (n == 7) { n -= 3; continue; }
        steps++;
        n--;
    }
    return steps;
}
int main(void) {
    int total = 0;
    for (int i = 0; i < 10; i++)
        total += skip_sum(i);
    printf("%d %d\n", total, count_down(9));
    do total /= 2; while (total > 5);
    printf("%d\n", total);
    return 0;
}
""",
    "jumps": r"""
#include <stdio.h>
int find(const int *a, int n, int key) {
    int i = 0;
again:
    if (i >= n) goto missing;
    if (a[i] == key) return i;
    i++;
    goto again;
missing:
    return -1;
}
int classify(int x) {
    int r = 0;
    switch (x % 4) {
    case 0:
        r += 1;
    case 1:
        r += 10;
        break;
    case 2: {
        int t = x * 2;
        r = t;
        break;
    }
    default:
        r = -1;
    }
    return r;
}
int main(void) {
    int a[] = {5, 3, 9, 1};
    printf("%d %d\n", find(a, 4, 9), find(a, 4, 7));
    for (int x = 0; x < 8; x++) printf("%d ", classify(x));
    printf("\n");
    return 0;
}
""",
    "arithmetic": r"""
#include <stdio.h>
#define SCALE(v) ((v) * factor)
#define AREA (width * height)
int main(void) {
    int width = 3, height = 4, factor = 2;
    int x = 10, y = 3;
    unsigned char c = 250;
    int arr[5] = {1, 2, 3, 4, 5};
    int *p = arr;
    x += y * 2;
    x -= 1;
    x = x * 3;
    x = x - y - 1;
    y <<= 2;
    c += 10;
    ++*p;
    (*p)++;
    p = p + 1;
    *p *= 7;
    x = x % 7 + (y & 5) + (y | 8) + (y ^ 3);
    if (x == 0) printf("zero\n");
    else if (x < 0) printf("negative\n");
    else if (x > 100) printf("big\n");
    else {
        printf("small %d\n", x);
    }
    printf("%d %d %u %d %d %d\n", x, y, c, arr[0], arr[1], *(arr + 2));
    printf("%d %d\n", SCALE(x + 1), AREA);
    double d = 0.1;
    d = d + 0.2;
    d *= 3;
    printf("%.17g %d\n", d, d < 0.9);
    return 0;
}
""",
}


def c_transformations() -> list[str]:
    return [e.name for e in TRANSFORMS.entries() if "c" in e.meta.get("languages", ())]


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("originals")
    outcomes = {name: run_c(code, folder / name) for name, code in PROGRAMS.items()}
    for name, outcome in outcomes.items():
        assert outcome.ran and outcome.returncode == 0, (name, outcome)
    return outcomes


@pytest.mark.parametrize("name", c_transformations())
def test_c_programs_keep_their_behaviour(name: str, originals, tmp_path: Path) -> None:
    transformation = TRANSFORMS.create(name)
    failures, applied = [], 0
    for program, code in PROGRAMS.items():
        seen = set()
        for seed in range(3):
            result = transformation.apply(code, "c", seed)
            if not result.applicable or result.code in seen:
                continue
            seen.add(result.code)
            applied += 1
            outcome = run_c(result.code, tmp_path / f"{program}{seed}")
            if not same_behaviour(originals[program], outcome):
                failures.append(f"{name} on {program} seed {seed}: {outcome}")
    assert not failures, "\n".join(failures[:3])
    assert applied
