"""Value patterns: null dereference, division by zero, signed integer overflow.

The sanitizer that catches the trigger is UBSan (null pointer access, integer division by zero,
signed overflow; the harness makes every report fatal) or AddressSanitizer's SEGV handler.
"""

from __future__ import annotations

import random

from metacompress.data.synth.c_common import (
    WIDE_TYPES,
    CTemplate,
    base_names,
    dedent,
    null_test,
    return_if,
    safe_only,
    with_distractor,
)

_LIST_DRIVER = dedent(
    """
    int main(void)
    {
        struct node *list = NULL;
        list = push_node(list, 1, 10);
        list = push_node(list, 2, 20);
        list = push_node(list, 3, 30);
        printf("%d\\n", $F(list, 2));
        printf("%d\\n", $F(list, $missing));
        return 0;
    }
    """
)


def null_lookup(rng: random.Random) -> CTemplate:
    """A list lookup whose result is dereferenced; the key may be absent.

    Bug: no NULL check on the result. Fix: return -1 when the key is not found. The search is
    inline or through the `find_node` helper. Trigger: a missing key.
    """
    names, d = base_names(rng)
    names.update(head=d.pick("head"), key=d.pick("key"), p=d.pick("ptr"))
    names.update(missing=rng.randint(4, 99))
    helper = rng.random() < 0.5
    text = "int $F(struct node *$head, int $key)\n{\n"
    if helper:
        text += "    struct node *$p = find_node($head, $key);\n@decl\n"
    else:
        text += "    struct node *$p = $head;\n@decl\n"
        text += "    while ($p != NULL && $p->key != $key) {\n        $p = $p->next;\n    }\n"
    text += safe_only(return_if(null_test(rng, "$p"), "-1"))
    text += rng.choice(("    return $p->value;\n}\n", "    return $p->value * 2 + $p->key;\n}\n"))
    if rng.random() < 0.4:
        text = with_distractor(text, return_if(null_test(rng, "$head"), "-1"))
    variant = "lookup-helper" if helper else "lookup-inline"
    return CTemplate("null-dereference", variant, text, _LIST_DRIVER, names)


def null_strchr(rng: random.Random) -> CTemplate:
    """Splitting `key=value` at a separator found with strchr.

    Bug: the separator may be missing (strchr returns NULL). Fix: check it. Trigger: a line
    without the separator.
    """
    names, d = base_names(rng)
    names.update(line=d.pick("msg"), sep=d.pick("ptr"), CH=rng.choice(("=", ":", ",")))
    text = "int $F(char *$line)\n{\n    char *$sep = strchr($line, '$CH');\n@decl\n"
    text += safe_only(return_if(null_test(rng, "$sep"), "-1"))
    text += "    *$sep = '\\0';\n"
    text += rng.choice(
        (
            "    return atoi($sep + 1) + (int)strlen($line);\n}\n",
            "    return (int)strlen($sep + 1) * 10 + (int)strlen($line);\n}\n",
        )
    )
    if rng.random() < 0.4:
        text = with_distractor(text, return_if(null_test(rng, "$line"), "-1"))
    driver = dedent(
        """
        int main(void)
        {
            char a[] = "key${CH}12";
            char b[] = "novalue";
            printf("%d\\n", $F(a));
            printf("%d\\n", $F(b));
            return 0;
        }
        """
    )
    return CTemplate("null-dereference", "strchr", text, driver, names)


def null_parameter(rng: random.Random) -> CTemplate:
    """An optional struct parameter used without a check. Trigger: a NULL argument."""
    names, d = base_names(rng)
    names.update(cfg=d.pick("cfg"), v=d.pick("val"), M=rng.randint(1, 8))
    text = "int $F(struct config *$cfg, int $v)\n{\n@decl\n"
    text += safe_only(return_if(null_test(rng, "$cfg"), "-1"))
    text += rng.choice(
        (
            "    $cfg->id = $v;\n    $cfg->flags |= $M;\n    return $cfg->id + $cfg->flags;\n}\n",
            "    $cfg->flags = $v * $M;\n    $cfg->name[0] = 'x';\n    return $cfg->flags;\n}\n",
        )
    )
    driver = dedent(
        """
        int main(void)
        {
            struct config c;
            memset(&c, 0, sizeof(c));
            printf("%d\\n", $F(&c, 5));
            printf("%d\\n", $F(NULL, 7));
            return 0;
        }
        """
    )
    return CTemplate("null-dereference", "parameter", text, driver, names)


def _int_type(rng: random.Random) -> str:
    return rng.choice(("int", "int", "long"))


def div_average(rng: random.Random) -> CTemplate:
    """The mean of n values. Bug: n may be 0. Fix: return 0 for n <= 0. Trigger: n = 0."""
    names, d = base_names(rng)
    names.update(vals=d.pick("buf"), n=d.pick("len"), sum=d.pick("acc"), i=d.pick("idx"))
    names.update(T=_int_type(rng))
    kind = rng.choice(("for", "while"))
    text = "$T $F(const $T *$vals, $T $n)\n{\n    $T $sum = 0;\n    $T $i;\n@decl\n"
    text += safe_only(return_if(rng.choice(("$n == 0", "$n <= 0")), "0"))
    if kind == "for":
        text += "    for ($i = 0; $i < $n; $i++) {\n        $sum += $vals[$i];\n    }\n"
    else:
        text += (
            "    $i = 0;\n    while ($i < $n) {\n        $sum += $vals[$i];\n        $i++;\n    }\n"
        )
    text += "    return $sum / $n;\n}\n"
    driver = dedent(
        """
        int main(void)
        {
            $T v[] = {4, 8, 15};
            printf("%d\\n", (int)$F(v, 3));
            printf("%d\\n", (int)$F(v, 0));
            return 0;
        }
        """
    )
    return CTemplate("division-by-zero", f"average-{kind}", text, driver, names)


def div_bucket(rng: random.Random) -> CTemplate:
    """A hash reduced modulo a bucket count. Bug: the count may be 0. Trigger: 0 buckets."""
    names, d = base_names(rng)
    names.update(h=d.pick("acc"), nb=d.pick("len"), T=_int_type(rng))
    text = "$T $F($T $h, $T $nb)\n{\n@decl\n"
    text += safe_only(return_if("$nb <= 0", "-1"))
    text += rng.choice(("    return (($h % $nb) + $nb) % $nb;\n}\n", "    return $h % $nb;\n}\n"))
    if rng.random() < 0.5:
        text = with_distractor(text, "    if ($h < 0) {\n        $h = -$h;\n    }\n")
    driver = 'int main(void)\n{\n    printf("%d\\n", (int)$F(17, 5));\n'
    driver += '    printf("%d\\n", (int)$F(17, 0));\n    return 0;\n}\n'
    return CTemplate("division-by-zero", "modulo", text, driver, names)


def div_ratio(rng: random.Random) -> CTemplate:
    """A position scaled to a percentage of a range. Bug: an empty range. Trigger: lo == hi."""
    names, d = base_names(rng)
    names.update(lo=d.pick("num"), hi=d.pick("num"), x=d.pick("num"), span=d.pick("len"))
    names.update(T=_int_type(rng), P=rng.choice((100, 255, 1000)))
    text = "$T $F($T $lo, $T $hi, $T $x)\n{\n    $T $span = $hi - $lo;\n@decl\n"
    text += safe_only(return_if("$span == 0", "0"))
    text += "    return ($x - $lo) * $P / $span;\n}\n"
    driver = 'int main(void)\n{\n    printf("%d\\n", (int)$F(0, 10, 5));\n'
    driver += '    printf("%d\\n", (int)$F(3, 3, 5));\n    return 0;\n}\n'
    return CTemplate("division-by-zero", "ratio", text, driver, names)


def div_matches(rng: random.Random) -> CTemplate:
    """The mean of the values above a threshold. Bug: none may match. Trigger: a high threshold."""
    names, d = base_names(rng)
    names.update(vals=d.pick("buf"), n=d.pick("len"), thr=d.pick("num"), cnt=d.pick("acc"))
    names.update(sum=d.pick("acc"), i=d.pick("idx"))
    text = "int $F(const int *$vals, int $n, int $thr)\n{\n    int $cnt = 0;\n    int $sum = 0;\n"
    text += "    int $i;\n@decl\n    for ($i = 0; $i < $n; $i++) {\n"
    text += "        if ($vals[$i] > $thr) {\n            $cnt++;\n            $sum += $vals[$i];\n"
    text += "        }\n    }\n" + safe_only(return_if("$cnt == 0", "0"))
    text += "    return $sum / $cnt;\n}\n"
    driver = dedent(
        """
        int main(void)
        {
            int v[] = {1, 5, 9, 12};
            printf("%d\\n", $F(v, 4, 4));
            printf("%d\\n", $F(v, 4, 100));
            return 0;
        }
        """
    )
    return CTemplate("division-by-zero", "mean-of-matches", text, driver, names)


def overflow_area(rng: random.Random) -> CTemplate:
    """width * bytes-per-pixel * height in a signed type.

    Bug: no overflow check before the multiplications. Fix: check against INT_MAX (LONG_MAX)
    divided by the other factor. Trigger: large dimensions.
    """
    names, d = base_names(rng)
    names.update(w=d.pick("num"), h=d.pick("num"), bpp=rng.choice(("bpp", "depth", "channels")))
    names.update(stride=d.pick("len"))
    wide = rng.random() < 0.3
    names.update(T="long" if wide else "int", MAX="LONG_MAX" if wide else "INT_MAX")
    names.update(big="4000000000L" if wide else "100000")
    text = "$T $F($T $w, $T $h, $T $bpp)\n{\n    $T $stride;\n@decl\n"
    text += return_if("$w <= 0 || $h <= 0 || $bpp <= 0", "-1")
    text += safe_only(return_if("$w > $MAX / $bpp", "-1"))
    text += "    $stride = $w * $bpp;\n"
    text += safe_only(return_if("$stride > $MAX / $h", "-1"))
    text += "    return $stride * $h;\n}\n"
    driver = 'int main(void)\n{\n    printf("%ld\\n", (long)$F(640, 480, 3));\n'
    driver += '    printf("%ld\\n", (long)$F($big, $big, 3));\n    return 0;\n}\n'
    return CTemplate("integer-overflow", "area", text, driver, names)


def overflow_offset(rng: random.Random) -> CTemplate:
    """A range check written as `off + len > limit`, which overflows.

    Fix: `len > limit - off`. Trigger: an offset near INT_MAX.
    """
    names, d = base_names(rng)
    names.update(off=d.pick("idx"), len=d.pick("len"), lim=d.pick("len"))
    text = "int $F(int $off, int $len, int $lim)\n{\n@decl\n"
    text += return_if("$off < 0 || $len < 0", "-1")
    text += return_if("«$off + $len > $lim@@$len > $lim - $off»", "-1")
    text += rng.choice(("    return $off + $len;\n}\n", "    return $lim - $off - $len;\n}\n"))
    driver = 'int main(void)\n{\n    printf("%d\\n", $F(10, 20, 100));\n'
    driver += '    printf("%d\\n", $F(INT_MAX - 10, 100, INT_MAX));\n    return 0;\n}\n'
    return CTemplate("integer-overflow", "offset-check", text, driver, names)


def overflow_sum(rng: random.Random) -> CTemplate:
    """A clamped sum of (scaled) values.

    Bug: the sum accumulates in int, or each scaled term is multiplied in int before it is
    added to a long long. Fix: long long for the sum, or a cast before the multiplication.
    Trigger: large values.
    """
    names, d = base_names(rng)
    names.update(vals=d.pick("buf"), n=d.pick("len"), sum=d.pick("acc"), i=d.pick("idx"))
    scaled = rng.random() < 0.5
    if scaled:
        names.update(scale=rng.choice(("scale", "factor", "weight", "mult")))
        text = "int $F(const int *$vals, int $n, int $scale)\n{\n    long long $sum = 0;\n"
        text += "    int $i;\n@decl\n    for ($i = 0; $i < $n; $i++) {\n"
        text += "        $sum += «$vals[$i] * $scale@@(long long)$vals[$i] * $scale»;\n    }\n"
        calls = "$F(small, 3, 10)", "$F(big, 3, 5000)"
        big = "1000000, 2000000, 3"
    else:
        text = "int $F(const int *$vals, int $n)\n{\n    «int@@long long» $sum = 0;\n    int $i;\n"
        text += "@decl\n    for ($i = 0; $i < $n; $i++) {\n        $sum += $vals[$i];\n    }\n"
        calls = "$F(small, 3)", "$F(big, 3)"
        big = "INT_MAX - 10, 20, 5"
    text += return_if("$sum > INT_MAX", "INT_MAX")
    text += "    return (int)$sum;\n}\n"
    driver = "int main(void)\n{\n    int small[] = {1, 2, 3};\n"
    driver += f"    int big[] = {{{big}}};\n"
    driver += f'    printf("%d\\n", {calls[0]});\n    printf("%d\\n", {calls[1]});\n'
    driver += "    return 0;\n}\n"
    variant = "accumulate-scaled" if scaled else "accumulate"
    return CTemplate("integer-overflow", variant, text, driver, names)


def overflow_alloc(rng: random.Random) -> CTemplate:
    """count * sizeof(element) computed in int before malloc. Trigger: a huge count."""
    names, d = base_names(rng)
    names.update(count=d.pick("len"), arr=d.pick("buf"), bytes=d.pick("len"))
    names.update(E=rng.choice(WIDE_TYPES))
    text = "$E *$F(int $count)\n{\n    $E *$arr;\n    int $bytes;\n@decl\n"
    text += return_if("$count <= 0", "NULL")
    text += safe_only(return_if("$count > INT_MAX / (int)sizeof($E)", "NULL"))
    text += "    $bytes = $count * (int)sizeof($E);\n    $arr = malloc($bytes);\n"
    text += (
        "    if ($arr != NULL) {\n        memset($arr, 0, $bytes);\n    }\n    return $arr;\n}\n"
    )
    driver = dedent(
        """
        int main(void)
        {
            $E *r = $F(16);
            printf("%d\\n", r != NULL);
            free(r);
            r = $F(INT_MAX / 2 + 7);
            printf("%d\\n", r != NULL);
            free(r);
            return 0;
        }
        """
    )
    return CTemplate("integer-overflow", "allocation-size", text, driver, names)


VARIANTS = {
    "null-dereference": (null_lookup, null_strchr, null_parameter),
    "division-by-zero": (div_average, div_bucket, div_ratio, div_matches),
    "integer-overflow": (overflow_area, overflow_offset, overflow_sum, overflow_alloc),
}
