"""Memory-safety patterns: buffer overflow, off-by-one, use-after-free, format string.

Each variant documents its bug, its fix and its trigger input. The sanitizer that catches the
trigger is AddressSanitizer (out-of-bounds access, use after free; the `sprintf` interceptor for
the format-string overflow) or UBSan's bounds check for local arrays.
"""

from __future__ import annotations

import random

from metacompress.data.synth.c_common import (
    BUFFER_SIZES,
    BYTE_TYPES,
    ELEMENT_TYPES,
    SIZE_TYPES,
    CTemplate,
    base_names,
    dedent,
    null_test,
    return_if,
    safe_only,
    with_distractor,
)


def _accumulate(rng: random.Random, acc: str, item: str) -> tuple[str, str, str]:
    """(declaration type, update statement, return expression) of a checksum loop."""
    kind = rng.choice(("sum", "xor", "hash"))
    if kind == "sum":
        return "int", f"{acc} += {item};", acc
    if kind == "xor":
        return "int", f"{acc} ^= {item};", acc
    return "unsigned", f"{acc} = {acc} * 31 + {item};", f"(int)({acc} & 0x7fff)"


def overflow_memcpy(rng: random.Random) -> CTemplate:
    """memcpy of a caller-given length into a fixed stack buffer.

    Bug: no length check, or a check against the wrong bound (twice the buffer). Fix: reject
    lengths above sizeof(buf). Trigger: a length between the buffer size and the wrong bound.
    """
    names, d = base_names(rng)
    size = rng.choice(BUFFER_SIZES)
    names.update(
        src=d.pick("src"), len=d.pick("len"), buf=d.pick("buf"), acc=d.pick("acc"),
        i=d.pick("idx"), B=rng.choice(BYTE_TYPES), L=rng.choice(SIZE_TYPES), N=size,
        W=size * 2,
    )  # fmt: skip
    acc_type, update, result = _accumulate(rng, str(names["acc"]), f"{names['buf']}[{names['i']}]")
    bound = rng.choice(("sizeof($buf)", "$N"))
    if rng.random() < 0.5:
        check = return_if(f"$len > «$W@@{bound}»", "-1")
    else:
        check = safe_only(return_if(f"$len > {bound}", "-1"))
    if rng.random() < 0.5:
        copy = "    memcpy($buf, $src, $len);\n"
    else:
        copy = "    for ($i = 0; $i < $len; $i++) {\n        $buf[$i] = $src[$i];\n    }\n"
    text = dedent(
        f"""
        int $F(const $B *$src, $L $len)
        {{
            $B $buf[$N];
            {acc_type} $acc = 0;
            $L $i;
        @decl
        """
    )
    text += check + copy
    text += f"    for ($i = 0; $i < $len; $i++) {{\n        {update}\n    }}\n"
    text += f"    return {result};\n}}\n"
    if rng.random() < 0.4:
        text = with_distractor(text, return_if(null_test(rng, "$src"), "-1"))
    benign = size // 2
    names.update(S=size * 2 + 8, benign=benign, trigger=size + rng.randint(1, size // 2))
    driver = dedent(
        """
        int main(void)
        {
            $B data[$S];
            int k;
            for (k = 0; k < $S; k++)
                data[k] = ($B)(k * 7 + 3);
            printf("%d\\n", $F(data, $benign));
            printf("%d\\n", $F(data, $trigger));
            return 0;
        }
        """
    )
    return CTemplate("buffer-overflow", "memcpy-stack", text, driver, names)


def overflow_string_copy(rng: random.Random) -> CTemplate:
    """Copying a NUL-terminated string into a fixed buffer.

    Bug: strcpy, or a copy loop bounded only by the terminator. Fix: strncpy/snprintf, or the
    loop also bounded by the buffer size. Trigger: a string longer than the buffer.
    """
    names, d = base_names(rng)
    size = rng.choice(BUFFER_SIZES)
    names.update(src=d.pick("src"), buf=d.pick("buf"), i=d.pick("idx"), N=size)
    names.update(L=rng.choice(("int", "size_t", "unsigned")))
    bound = rng.choice(("sizeof($buf) - 1", "$N - 1"))
    form = rng.choice(("library", "while", "for"))
    head = "int $F(const char *$src)\n{\n    char $buf[$N];\n"
    if form == "library":
        text = head + "@decl\n"
        if rng.random() < 0.5:
            text += f"    «strcpy($buf, $src);@@strncpy($buf, $src, {bound});»\n"
            text += f"    $buf[{bound}] = '\\0';\n"
        else:
            text += '    «strcpy($buf, $src);@@snprintf($buf, sizeof($buf), "%s", $src);»\n'
    elif form == "while":
        text = head + "    $L $i = 0;\n@decl\n"
        text += f"    while ($src[$i] != '\\0'«@@ && $i < {bound}») {{\n"
        text += "        $buf[$i] = $src[$i];\n        $i++;\n    }\n    $buf[$i] = '\\0';\n"
    else:
        text = head + "    $L $i;\n@decl\n"
        text += f"    for ($i = 0; $src[$i] != '\\0'«@@ && $i < {bound}»; $i++) {{\n"
        text += "        $buf[$i] = $src[$i];\n    }\n    $buf[$i] = '\\0';\n"
    text += rng.choice(
        (
            "    return (int)strlen($buf);\n}\n",
            "    return (int)strlen($buf) + $buf[0];\n}\n",
            "    return $buf[0] == '#' ? 0 : (int)strlen($buf);\n}\n",
        )
    )
    names.update(S=size + 9)
    driver = dedent(
        """
        int main(void)
        {
            char text[$S];
            memset(text, 'x', sizeof(text) - 1);
            text[sizeof(text) - 1] = '\\0';
            printf("%d\\n", $F("short"));
            printf("%d\\n", $F(text));
            return 0;
        }
        """
    )
    return CTemplate("buffer-overflow", f"string-copy-{form}", text, driver, names)


def overflow_index(rng: random.Random) -> CTemplate:
    """An index from the caller reads a table.

    Bug: only `idx < 0` is rejected. Fix: also reject idx >= the table size. Trigger: an index
    just past the end.
    """
    names, d = base_names(rng)
    size = rng.choice((8, 10, 16, 32, 64))
    names.update(idx=d.pick("idx"), tab=d.pick("buf"), i=d.pick("idx"), N=size)
    names.update(M=rng.randint(2, 9), C=rng.randint(0, 20), E=rng.choice(("int", "long", "short")))
    local = rng.random() < 0.5
    check = return_if("$idx < 0«@@ || $idx >= " + ("$N" if local else "$cnt") + "»", "-1")
    if local:
        text = "int $F(int $idx)\n{\n    $E $tab[$N];\n    int $i;\n@decl\n"
        text += "    for ($i = 0; $i < $N; $i++) {\n        $tab[$i] = $i * $M + $C;\n    }\n"
        text += check + "    return $tab[$idx];\n}\n"
        call = "$F($benign)", "$F($trigger)"
        setup = ""
    else:
        names.update(cnt=d.pick("len"))
        text = "int $F(const $E *$tab, int $cnt, int $idx)\n{\n" + check
        text += "    return $tab[$idx] * $M + $C;\n}\n"
        call = "$F(t, $N, $benign)", "$F(t, $N, $trigger)"
        setup = "    $E *t = malloc($N * sizeof(*t));\n    int k;\n"
        setup += "    for (k = 0; k < $N; k++)\n        t[k] = ($E)k;\n"
    names.update(benign=size // 2, trigger=size if not local else size + rng.randint(0, 2))
    driver = "int main(void)\n{\n" + setup
    driver += f'    printf("%d\\n", {call[0]});\n    printf("%d\\n", {call[1]});\n'
    driver += "    return 0;\n}\n"
    variant = "index-local" if local else "index-param"
    return CTemplate("buffer-overflow", variant, text, driver, names)


def overflow_heap_copy(rng: random.Random) -> CTemplate:
    """memcpy into a heap buffer of a given capacity.

    Bug: the length is not clamped to the capacity. Fix: clamp it (or fail). Trigger: a length
    above the capacity.
    """
    names, d = base_names(rng)
    names.update(src=d.pick("src"), len=d.pick("len"), cap=d.pick("len"), out=d.pick("buf"))
    names.update(B=rng.choice(BYTE_TYPES), L=rng.choice(SIZE_TYPES))
    fix = rng.choice(("clamp", "fail"))
    text = "$B *$F(const $B *$src, $L $len, $L $cap)\n{\n    $B *$out;\n@decl\n"
    if fix == "fail":
        text += safe_only(return_if("$len > $cap", "NULL"))
    text += "    $out = malloc($cap);\n" + return_if(null_test(rng, "$out"), "NULL")
    if fix == "clamp":
        text += safe_only("    if ($len > $cap) {\n        $len = $cap;\n    }\n")
    text += "    memcpy($out, $src, $len);\n    return $out;\n}\n"
    cap = rng.choice((8, 16, 24, 32))
    names.update(capv=cap, benign=cap // 2, trigger=cap + rng.randint(4, 24))
    driver = dedent(
        """
        int main(void)
        {
            $B data[64];
            $B *r;
            memset(data, 7, sizeof(data));
            r = $F(data, $benign, $capv);
            printf("%d\\n", r ? (int)r[0] : -1);
            free(r);
            r = $F(data, $trigger, $capv);
            printf("%d\\n", r ? (int)r[0] : -1);
            free(r);
            return 0;
        }
        """
    )
    return CTemplate("buffer-overflow", f"heap-copy-{fix}", text, driver, names)


def off_by_one_loop(rng: random.Random) -> CTemplate:
    """A loop that fills an array of n elements.

    Bug: the bound admits index n (`<= n`, `< n + 1`, or a reverse loop writing `arr[i]` for
    i = n..1). Fix: `< n` (or `<= n - 1`, or `arr[i - 1]`). Trigger: any call.
    """
    names, d = base_names(rng)
    names.update(arr=d.pick("buf"), n=d.pick("len"), val=d.pick("val"), i=d.pick("idx"))
    names.update(acc=d.pick("acc"), E=rng.choice(ELEMENT_TYPES), NN=rng.randint(3, 40))
    kind = rng.choice(("for", "while", "do", "reverse"))
    bad = rng.choice(("$i <= $n", "$i < $n + 1"))
    good = rng.choice(("$i < $n", "$i <= $n - 1", "$i < $n"))
    cond = f"«{bad}@@{good}»"
    store = rng.choice(("$val + $i", "$val", "$val * 2 + $i"))
    text = "int $F($E *$arr, int $n, $E $val)\n{\n    int $i;\n    int $acc = 0;\n@decl\n"
    body = f"        $arr[$i] = {store};\n        $acc += $arr[$i];\n"
    if kind == "for":
        text += f"    for ($i = 0; {cond}; $i++) {{\n{body}    }}\n"
    elif kind == "while":
        text += f"    $i = 0;\n    while ({cond}) {{\n{body}        $i++;\n    }}\n"
    elif kind == "do":
        text += f"    $i = 0;\n    do {{\n{body}        $i++;\n    }} while ({cond});\n"
    else:
        text += "    for ($i = $n; $i > 0; $i--) {\n"
        text += "        $arr[«$i@@$i - 1»] = $val;\n        $acc += $arr[«$i@@$i - 1»];\n    }\n"
    text += "    return $acc;\n}\n"
    driver = dedent(
        """
        int main(void)
        {
            int n = $NN;
            $E *a = malloc(n * sizeof(*a));
            printf("%d\\n", $F(a, n, 3));
            free(a);
            return 0;
        }
        """
    )
    return CTemplate("off-by-one", f"loop-{kind}", text, driver, names)


def off_by_one_terminator(rng: random.Random) -> CTemplate:
    """Duplicating a string: room for the terminating NUL.

    Bug: malloc(len) then out[len] = '\\0' (or strcpy of strlen bytes). Fix: malloc(len + 1).
    Trigger: any call.
    """
    names, d = base_names(rng)
    names.update(src=d.pick("src"), len=d.pick("len"), out=d.pick("buf"))
    names.update(L=rng.choice(("size_t", "int", "unsigned")))
    given = rng.random() < 0.5
    alloc = "    $out = malloc(«$len@@$len + 1»);\n"
    if given:
        text = "char *$F(const char *$src, $L $len)\n{\n    char *$out;\n@decl\n" + alloc
        text += return_if(null_test(rng, "$out"), "NULL")
        text += "    memcpy($out, $src, $len);\n    $out[$len] = '\\0';\n    return $out;\n}\n"
        call = '$F("hello world", 5)'
    else:
        text = (
            "char *$F(const char *$src)\n{\n    $L $len = strlen($src);\n    char *$out;\n@decl\n"
        )
        text += alloc + return_if(null_test(rng, "$out"), "NULL")
        text += "    strcpy($out, $src);\n    return $out;\n}\n"
        call = '$F("hello world")'
    driver = "int main(void)\n{\n" + f"    char *r = {call};\n"
    driver += '    printf("%s\\n", r ? r : "(null)");\n    free(r);\n    return 0;\n}\n'
    variant = "terminator-memcpy" if given else "terminator-strcpy"
    return CTemplate("off-by-one", variant, text, driver, names)


def off_by_one_name(rng: random.Random) -> CTemplate:
    """Copying at most N characters into char buf[N] before terminating it.

    Bug: the loop runs to N, so buf[N] = '\\0' writes past the end. Fix: stop at N - 1.
    Trigger: a string of at least N characters.
    """
    names, d = base_names(rng)
    size = rng.choice(BUFFER_SIZES)
    names.update(src=d.pick("src"), buf=d.pick("buf"), i=d.pick("idx"), N=size, S=size + 9)
    limit = rng.choice((("$N", "$N - 1"), ("(int)sizeof($buf)", "(int)sizeof($buf) - 1")))
    text = "int $F(const char *$src)\n{\n    char $buf[$N];\n    int $i;\n@decl\n"
    text += f"    for ($i = 0; $i < «{limit[0]}@@{limit[1]}» && $src[$i] != '\\0'; $i++) {{\n"
    text += "        $buf[$i] = $src[$i];\n    }\n    $buf[$i] = '\\0';\n"
    text += "    return $i + $buf[0];\n}\n"
    driver = dedent(
        """
        int main(void)
        {
            char text[$S];
            memset(text, 'n', sizeof(text) - 1);
            text[sizeof(text) - 1] = '\\0';
            printf("%d\\n", $F("abc"));
            printf("%d\\n", $F(text));
            return 0;
        }
        """
    )
    return CTemplate("off-by-one", "bounded-copy", text, driver, names)


def off_by_one_check(rng: random.Random) -> CTemplate:
    """A range check on an index written with `>` instead of `>=`.

    Bug: idx == N passes the check. Fix: `idx >= N`. Trigger: idx = N.
    """
    names, d = base_names(rng)
    size = rng.choice((8, 12, 16, 32))
    names.update(idx=d.pick("idx"), tab=d.pick("buf"), i=d.pick("idx"), N=size)
    names.update(M=rng.randint(2, 9), benign=size // 3, trigger=size)
    text = "int $F(int $idx)\n{\n    int $tab[$N];\n    int $i;\n@decl\n"
    text += "    for ($i = 0; $i < $N; $i++) {\n        $tab[$i] = $M * $i;\n    }\n"
    text += return_if("$idx < 0 || «$idx > $N@@$idx >= $N»", "-1")
    text += "    return $tab[$idx];\n}\n"
    driver = 'int main(void)\n{\n    printf("%d\\n", $F($benign));\n'
    driver += '    printf("%d\\n", $F($trigger));\n    return 0;\n}\n'
    return CTemplate("off-by-one", "index-check", text, driver, names)


def use_after_free_order(rng: random.Random) -> CTemplate:
    """An array read after (bug) or before (fix) it is freed. Trigger: any call."""
    names, d = base_names(rng)
    names.update(n=d.pick("len"), arr=d.pick("buf"), i=d.pick("idx"), res=d.pick("acc"))
    names.update(M=rng.randint(2, 9), E=rng.choice(("int", "long", "short")))
    last = rng.choice(("$arr[$n - 1]", "$arr[0] + $arr[$n - 1]", "$arr[$n / 2]"))
    text = "int $F(int $n)\n{\n    $E *$arr;\n    int $i;\n    int $res;\n@decl\n"
    text += return_if("$n <= 0", "-1")
    text += "    $arr = malloc($n * sizeof(*$arr));\n" + return_if(null_test(rng, "$arr"), "-1")
    text += "    for ($i = 0; $i < $n; $i++) {\n        $arr[$i] = $i * $M;\n    }\n"
    text += f"?V     free($arr);\n    $res = {last};\n?S     free($arr);\n    return $res;\n}}\n"
    names.update(a=rng.randint(2, 6), b=rng.randint(7, 30))
    driver = 'int main(void)\n{\n    printf("%d\\n", $F($a));\n'
    driver += '    printf("%d\\n", $F($b));\n    return 0;\n}\n'
    return CTemplate("use-after-free", "free-before-read", text, driver, names)


def use_after_free_error_path(rng: random.Random) -> CTemplate:
    """An error path frees the buffer but (bug) falls through to the code that reads it.

    Fix: return after the free. Trigger: an input that takes the error path.
    """
    names, d = base_names(rng)
    names.update(src=d.pick("src"), len=d.pick("len"), tmp=d.pick("buf"), acc=d.pick("acc"))
    names.update(i=d.pick("idx"), CH=rng.choice(("#", ";", "!", "%")))
    text = "int $F(const char *$src, int $len)\n{\n    char *$tmp;\n    int $acc = 0;\n"
    text += "    int $i;\n@decl\n    $tmp = malloc($len + 1);\n"
    text += return_if(null_test(rng, "$tmp"), "-1")
    text += "    memcpy($tmp, $src, $len);\n    $tmp[$len] = '\\0';\n"
    text += "    if ($tmp[0] == '$CH') {\n        free($tmp);\n?S         return 0;\n    }\n"
    text += "    for ($i = 0; $i < $len; $i++) {\n        $acc += $tmp[$i];\n    }\n"
    text += "    free($tmp);\n    return $acc;\n}\n"
    driver = 'int main(void)\n{\n    printf("%d\\n", $F("abcdef", 6));\n'
    driver += '    printf("%d\\n", $F("${CH}comment", 8));\n    return 0;\n}\n'
    return CTemplate("use-after-free", "error-path", text, driver, names)


def use_after_free_dangling(rng: random.Random) -> CTemplate:
    """A struct field freed on reset and (bug) not set to NULL, then read.

    Fix: set the field to NULL after free. Trigger: a call with reset set.
    """
    names, d = base_names(rng)
    names.update(b=d.pick("cfg"), reset=rng.choice(("reset", "clear", "drop", "flush")))
    text = "int $F(struct buffer *$b, int $reset)\n{\n    if ($reset) {\n"
    text += "        free($b->data);\n?S         $b->data = NULL;\n        $b->size = 0;\n    }\n"
    text += "    if ($b->data != NULL) {\n        return $b->data[0] + $b->size;\n    }\n"
    text += "    return 0;\n}\n"
    driver = dedent(
        """
        int main(void)
        {
            struct buffer b;
            b.data = malloc(8);
            memcpy(b.data, "payload", 8);
            b.size = 8;
            printf("%d\\n", $F(&b, 0));
            printf("%d\\n", $F(&b, 1));
            return 0;
        }
        """
    )
    return CTemplate("use-after-free", "dangling-field", text, driver, names)


def use_after_free_list(rng: random.Random) -> CTemplate:
    """Removing matching nodes from a list: `cur = cur->next` after free(cur) (bug).

    Fix: save the next pointer before freeing. Trigger: a key present in the list.
    """
    names, d = base_names(rng)
    names.update(head=d.pick("head"), key=d.pick("key"), cur=d.pick("ptr"), prev=d.pick("ptr"))
    names.update(nx=rng.choice(("next", "nxt", "tmp", "following")), n=d.pick("acc"))
    text = dedent(
        """
        int $F(struct node **$head, int $key)
        {
            struct node *$cur = *$head;
            struct node *$prev = NULL;
            struct node *$nx;
            int $n = 0;
        @decl
            while ($cur != NULL) {
        ?S         $nx = $cur->next;
                if ($cur->key == $key) {
                    if ($prev == NULL) {
                        *$head = $cur->next;
                    } else {
                        $prev->next = $cur->next;
                    }
                    free($cur);
                    $n++;
                } else {
                    $prev = $cur;
                }
                «$cur = $cur->next;@@$cur = $nx;»
            }
            return $n;
        }
        """
    )
    driver = dedent(
        """
        int main(void)
        {
            struct node *list = NULL;
            list = push_node(list, 2, 20);
            list = push_node(list, 3, 30);
            list = push_node(list, 2, 21);
            list = push_node(list, 1, 10);
            printf("%d\\n", $F(&list, 9));
            printf("%d\\n", $F(&list, 2));
            return 0;
        }
        """
    )
    return CTemplate("use-after-free", "list-remove", text, driver, names)


def format_string_heap(rng: random.Random) -> CTemplate:
    """A caller string used as the format of sprintf into a buffer sized for that string.

    Bug: `sprintf(out, msg)` expands directives such as `%40d`. Fix: `sprintf(out, "%s", msg)`.
    Trigger: a message with a wide directive.
    """
    names, d = base_names(rng)
    names.update(msg=d.pick("msg"), n=d.pick("len"), out=d.pick("buf"))
    names.update(W=rng.randint(24, 80), L=rng.choice(("size_t", "int", "unsigned")))
    text = "char *$F(const char *$msg)\n{\n    $L $n = strlen($msg);\n    char *$out;\n@decl\n"
    text += "    $out = malloc($n + 1);\n" + return_if(null_test(rng, "$out"), "NULL")
    safe = rng.choice(('sprintf($out, "%s", $msg);', "strcpy($out, $msg);"))
    text += f"    «sprintf($out, $msg);@@{safe}»\n    return $out;\n}}\n"
    driver = dedent(
        """
        int main(void)
        {
            char *r = $F("hello world");
            printf("%s\\n", r ? r : "(null)");
            free(r);
            r = $F("%${W}d");
            printf("%d\\n", r != NULL);
            free(r);
            return 0;
        }
        """
    )
    return CTemplate("format-string", "heap-exact", text, driver, names)


def format_string_stack(rng: random.Random) -> CTemplate:
    """A length-checked message formatted into a stack buffer with itself as the format.

    Bug: the check bounds the format, not its expansion. Fix: format with "%s". Trigger: a short
    message with a directive wider than the buffer.
    """
    names, d = base_names(rng)
    size = rng.choice((32, 48, 64, 100, 128))
    names.update(msg=d.pick("msg"), line=d.pick("buf"), N=size, W=size + rng.randint(8, 24))
    text = "int $F(const char *$msg)\n{\n    char $line[$N];\n@decl\n"
    text += return_if("strlen($msg) >= sizeof($line)", "-1")
    text += '    «sprintf($line, $msg);@@sprintf($line, "%s", $msg);»\n'
    text += rng.choice(
        ("    return (int)strlen($line);\n}\n", "    puts($line);\n    return 0;\n}\n")
    )
    driver = 'int main(void)\n{\n    printf("%d\\n", $F("status ok"));\n'
    driver += '    printf("%d\\n", $F("%${W}d"));\n    return 0;\n}\n'
    return CTemplate("format-string", "stack-checked", text, driver, names)


def format_string_prefix(rng: random.Random) -> CTemplate:
    """A log line `[info] <msg>` built with the message as format. Trigger: `%60d`."""
    names, d = base_names(rng)
    names.update(dst=d.pick("buf"), cap=d.pick("len"), msg=d.pick("msg"))
    tag = rng.choice(("[info] ", "[warn] ", "error: ", "note:  "))
    names.update(T=tag, TL=len(tag))
    text = "int $F(char *$dst, size_t $cap, const char *$msg)\n{\n@decl\n"
    text += return_if("strlen($msg) + $TL + 1 > $cap", "-1")
    text += '    strcpy($dst, "$T");\n'
    text += '    «sprintf($dst + $TL, $msg);@@sprintf($dst + $TL, "%s", $msg);»\n'
    text += "    return (int)strlen($dst);\n}\n"
    driver = dedent(
        """
        int main(void)
        {
            char *d = malloc(32);
            printf("%d\\n", $F(d, 32, "started"));
            printf("%d\\n", $F(d, 32, "%60d"));
            free(d);
            return 0;
        }
        """
    )
    return CTemplate("format-string", "log-prefix", text, driver, names)


VARIANTS = {
    "buffer-overflow": (overflow_memcpy, overflow_string_copy, overflow_index, overflow_heap_copy),
    "off-by-one": (off_by_one_loop, off_by_one_terminator, off_by_one_name, off_by_one_check),
    "use-after-free": (
        use_after_free_order,
        use_after_free_error_path,
        use_after_free_dangling,
        use_after_free_list,
    ),
    "format-string": (format_string_heap, format_string_stack, format_string_prefix),
}
