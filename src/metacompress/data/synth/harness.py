"""Complete programs around generated code, to compile and run it (tests, users' checks).

C: `C_PRELUDE` (headers, the structs and helpers the functions use) + the function + its
`main()` driver from `Example.meta["harness"]`. Build with
`gcc -fsanitize=address,undefined -fno-sanitize-recover=all` (`SANITIZER_FLAGS`): a vulnerable
function makes the run report a sanitizer error on the trigger input, its safe counterpart runs
clean.

Java: both methods of a clone-task example, each inside its own nested class (so equal names do
not clash), and a `main` that calls both on every input of the pair's signature
(`JAVA_TABLES`, `JAVA_ARGUMENTS`), printing one line per input: `<i> <result of method 1> | <result of method 2>`.
A clone pair prints equal results on every line; a non-clone pair differs on at least one.
"""

from __future__ import annotations

from metacompress.data.types import Example

SANITIZER_FLAGS = (
    "-O0",
    "-g",
    "-w",
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
)
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0:halt_on_error=1",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=0",
}

C_PRELUDE = """\
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    int key;
    int value;
    struct node *next;
};

struct buffer {
    char *data;
    int size;
};

struct config {
    int id;
    int flags;
    char name[32];
};

static struct node *find_node(struct node *head, int key)
{
    while (head != NULL && head->key != key)
        head = head->next;
    return head;
}

static struct node *push_node(struct node *head, int key, int value)
{
    struct node *n = malloc(sizeof(*n));
    n->key = key;
    n->value = value;
    n->next = head;
    return n;
}

"""


def c_program(example: Example) -> str:
    """The compilable C program of a synthetic vulnerability example."""
    return C_PRELUDE + example.inputs[0] + "\n" + str(example.meta["harness"])


#: The input tables of the Java harness: name -> (Java element type, values as Java literals).
JAVA_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ARRAYS": (
        "int[]",
        ("{5}", "{3, 1, 2}", "{-5, 4, 0, 9, -2}", "{7, 7, 7}", "{2, 4, 6, 8, 10, 1}",
         "{10, -3, 8, -3, 12, 0, 5}", "{1, 2}"),
    ),
    "NUMBERS": ("int", ("0", "1", "2", "3", "5", "7", "10", "12", "16")),
    "STRINGS": (
        "String",
        ('""', '"a"', '"abc"', '"abcd"', '"Hello World"', '"racecar"', '"AbBa xy"',
         '"aeiou AEIOU"', '"Java 17 rocks"'),
    ),
    "KEY_ARRAYS": (
        "int[]",
        ("{3, 1, 2}", "{-5, 4, 0, 9, -2}", "{7, 7, 7}", "{1, 2, 3, 4, 5}", "{2, 4, 6, 8, 10, 1}",
         "{5}", "{0, 3, 0, 3}"),
    ),
    "KEYS": ("int", ("2", "0", "7", "6", "4", "5", "3")),
}  # fmt: skip

#: signature kind -> (table that sets the number of inputs, call arguments for input i)
JAVA_ARGUMENTS: dict[str, tuple[str, str]] = {
    "int[]->int": ("ARRAYS", "ARRAYS[i].clone()"),
    "int->long": ("NUMBERS", "NUMBERS[i]"),
    "String->String": ("STRINGS", "STRINGS[i]"),
    "String->int": ("STRINGS", "STRINGS[i]"),
    "int[],int->int": ("KEY_ARRAYS", "KEY_ARRAYS[i].clone(), KEYS[i]"),
}


def java_input_count(signature: str) -> int:
    """How many inputs the harness runs a method of `signature` on."""
    return len(JAVA_TABLES[JAVA_ARGUMENTS[signature][0]][1])


def _java_tables() -> str:
    lines = []
    for name, (kind, values) in JAVA_TABLES.items():
        lines.append(f"    static final {kind}[] {name} = {{{', '.join(values)}}};\n")
    return "".join(lines)


def _nested(name: str, method: str) -> str:
    body = "".join(f"        {line}\n" if line else "\n" for line in method.rstrip().split("\n"))
    return f"    static class {name} {{\n{body}    }}\n"


def _java_call(target: str, result: str) -> str:
    return (
        f"            try {{\n                {result} = String.valueOf({target});\n"
        f"            }} catch (Throwable e) {{\n"
        f'                {result} = "EXC " + e.getClass().getSimpleName();\n            }}\n'
    )


def java_program(examples: list[Example], cls: str = "Main") -> str:
    """One Java class running every pair of `examples` (clone task) on its inputs.

    Pair k's methods live in nested classes A<k> and B<k>; each output line is
    `<k> <input index> <result 1> | <result 2>`, results being values or `EXC <exception>`.
    """
    parts = [f"import java.util.*;\nimport java.util.stream.*;\n\npublic class {cls} {{\n"]
    parts.append(_java_tables())
    for k, example in enumerate(examples):
        parts.append(_nested(f"A{k}", example.inputs[0]))
        parts.append(_nested(f"B{k}", example.inputs[1]))
        table, args = JAVA_ARGUMENTS[str(example.meta["signature"])]
        first = f"new A{k}().{example.meta['method1']}({args})"
        second = f"new B{k}().{example.meta['method2']}({args})"
        parts.append(
            f"    static void run{k}() {{\n"
            f"        for (int i = 0; i < {table}.length; i++) {{\n"
            "            String one;\n            String two;\n"
            + _java_call(first, "one")
            + _java_call(second, "two")
            + f'            System.out.println("{k} " + i + " " + one + " | " + two);\n'
            "        }\n    }\n"
        )
    calls = "".join(f"        run{k}();\n" for k in range(len(examples)))
    parts.append(f"    public static void main(String[] args) {{\n{calls}    }}\n}}\n")
    return "\n".join(parts)
