"""Java method families for the synthetic clone benchmark.

A family is one behaviour (sum of an array, factorial, reverse a string, ...) with several
implementations that compute it differently (loop kinds, streams, recursion, sorting, library
calls): two implementations of one family are type-4 clones. All families of one signature
take the same parameters, so a pair from two families is a non-clone that can be run side by
side. Every implementation marks behaviour-changing mutations as `«original@@mutant»`; each
mutant differs from the original on at least one input of `harness.JAVA_TABLES` (the tests run
all of them). Bodies are canonical template text (see `style.py`) with roles `$m` (the method),
`$a`/`$n`/`$s`/`$k` (parameters) and locals `$i $j $r $x $y $b $t $t2 $c $u`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

#: signature kind -> (return type, ((parameter type, role), ...))
SIGNATURES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "int[]->int": ("int", (("int[]", "a"),)),
    "int->long": ("long", (("int", "n"),)),
    "String->String": ("String", (("String", "s"),)),
    "String->int": ("int", (("String", "s"),)),
    "int[],int->int": ("int", (("int[]", "a"), ("int", "k"))),
}

#: role -> name pool of `names.POOLS`
ROLE_POOLS = {
    "a": "arr", "n": "int", "s": "str", "k": "target", "i": "jidx", "j": "jidx", "r": "jacc",
    "x": "elem", "y": "elem", "b": "builder", "t": "tmp", "t2": "tmp", "c": "chr", "u": "tmp",
    "g": "gap", "g2": "gap",
}  # fmt: skip


@dataclass(frozen=True)
class Family:
    """One behaviour, its signature kind, method-name stems and implementations."""

    name: str
    signature: str
    stems: tuple[str, ...]
    impls: dict[str, str]


def _body(text: str) -> str:
    return textwrap.indent(textwrap.dedent(text).strip("\n"), "    ") + "\n"


def _extreme(largest: bool) -> dict[str, str]:
    """Implementations of max (largest=True) or min, written once for both."""
    cmp, other = (">", "<") if largest else ("<", ">")
    fn, other_fn = ("max", "min") if largest else ("min", "max")
    init = "Integer.MIN_VALUE" if largest else "Integer.MAX_VALUE"
    last, first = ("$t.length - 1", "0") if largest else ("0", "$t.length - 1")
    impls = {
        "loop": f"""
            int $r = $a[0];
            for (int $i = 1; $i < $a.length; $i++) {{
                if ($a[$i] «{cmp}@@{other}» $r) {{
                    $r = $a[$i];
                }}
            }}
            return $r;
            """,
        "each-math": f"""
            int $r = {init};
            for (int $x : $a) {{
                $r = Math.«{fn}@@{other_fn}»($r, $x);
            }}
            return $r;
            """,
        "stream": f"return Arrays.stream($a).«{fn}@@{other_fn}»().getAsInt();",
        "sort": f"""
            int[] $t = $a.clone();
            Arrays.sort($t);
            return $t[«{last}@@{first}»];
            """,
        "while-ternary": f"""
            int $i = 0;
            int $r = $a[0];
            while ($i < $a.length) {{
                $r = $a[$i] «{cmp}@@{other}» $r ? $a[$i] : $r;
                $i++;
            }}
            return $r;
            """,
    }
    return {name: _body(text) for name, text in impls.items()}


def _family(name: str, signature: str, stems: tuple[str, ...], impls: dict[str, str]) -> Family:
    return Family(name, signature, stems, {k: _body(v) for k, v in impls.items()})


FAMILIES: tuple[Family, ...] = (
    _family(
        "sum",
        "int[]->int",
        ("sum", "total", "sumAll", "addAll", "sumOf", "arraySum"),
        {
            "for": """
                int $r = 0;
                for (int $i = «0@@1»; $i < $a.length; $i++) {
                    $r += $a[$i];
                }
                return $r;
                """,
            "each": """
                int $r = «0@@1»;
                for (int $x : $a) {
                    $r += $x;
                }
                return $r;
                """,
            "while": """
                int $r = 0;
                int $i = 0;
                while ($i < «$a.length@@$a.length - 1») {
                    $r += $a[$i];
                    $i++;
                }
                return $r;
                """,
            "stream": "return Arrays.stream($a)«@@.skip(1)».sum();",
            "reverse": """
                int $r = 0;
                for (int $i = $a.length - 1; «$i >= 0@@$i > 0»; $i--) {
                    $r += $a[$i];
                }
                return $r;
                """,
        },
    ),
    Family("max", "int[]->int", ("max", "maximum", "largest", "findMax", "maxOf"), _extreme(True)),
    Family(
        "min", "int[]->int", ("min", "minimum", "smallest", "findMin", "minOf"), _extreme(False)
    ),
    _family(
        "count-even",
        "int[]->int",
        ("countEven", "evens", "numEven", "countEvens"),
        {
            "mod-each": """
                int $r = 0;
                for (int $x : $a) {
                    if ($x % 2 «==@@!=» 0) {
                        $r++;
                    }
                }
                return $r;
                """,
            "bit-for": """
                int $r = 0;
                for (int $i = 0; $i < $a.length; $i++) {
                    if (($a[$i] & 1) == «0@@1») {
                        $r += 1;
                    }
                }
                return $r;
                """,
            "stream": "return (int) Arrays.stream($a).filter($x -> $x % 2 == «0@@1»).count();",
            "subtract-odd": """
                int $r = 0;
                for (int $x : $a) {
                    if ($x % 2 != 0) {
                        $r++;
                    }
                }
                return $a.length - $r«@@ - 1»;
                """,
        },
    ),
    _family(
        "count-positive",
        "int[]->int",
        ("countPositive", "positives", "numPositive", "countAboveZero"),
        {
            "each": """
                int $r = 0;
                for (int $x : $a) {
                    if ($x «>@@>=» 0) {
                        $r++;
                    }
                }
                return $r;
                """,
            "for": """
                int $r = 0;
                for (int $i = «0@@1»; $i < $a.length; $i++) {
                    if ($a[$i] > 0) {
                        $r = $r + 1;
                    }
                }
                return $r;
                """,
            "stream": "return (int) Arrays.stream($a).filter($x -> $x > «0@@1»).count();",
        },
    ),
    _family(
        "sum-squares",
        "int[]->int",
        ("sumSquares", "squareSum", "sumOfSquares", "energy"),
        {
            "for": """
                int $r = 0;
                for (int $i = 0; $i < $a.length; $i++) {
                    $r += $a[$i] * «$a[$i]@@2»;
                }
                return $r;
                """,
            "each": """
                int $r = 0;
                for (int $x : $a) {
                    $r += «$x * $x@@$x * $x * $x»;
                }
                return $r;
                """,
            "stream": "return Arrays.stream($a).map($x -> $x * «$x@@2»).sum();",
            "pow": """
                int $r = 0;
                int $i = 0;
                while ($i < $a.length) {
                    $r += (int) Math.pow($a[$i], «2@@3»);
                    $i++;
                }
                return $r;
                """,
        },
    ),
    _family(
        "range",
        "int[]->int",
        ("range", "spread", "span", "maxMinusMin", "amplitude"),
        {
            "one-pass": """
                int $t = $a[0];
                int $t2 = $a[0];
                for (int $x : $a) {
                    if ($x > $t) {
                        $t = $x;
                    }
                    if ($x < $t2) {
                        $t2 = $x;
                    }
                }
                return «$t - $t2@@$t + $t2»;
                """,
            "sort": """
                int[] $t = $a.clone();
                Arrays.sort($t);
                return $t[$t.length - 1] «-@@+» $t[0];
                """,
            "stream": """
                int $t = Arrays.stream($a).«max@@min»().getAsInt();
                int $t2 = Arrays.stream($a).min().getAsInt();
                return $t - $t2;
                """,
        },
    ),
    _family(
        "index-of-max",
        "int[]->int",
        ("indexOfMax", "argmax", "maxIndex", "posOfMax"),
        {
            "loop": """
                int $r = 0;
                for (int $i = 1; $i < $a.length; $i++) {
                    if ($a[$i] «>@@>=» $a[$r]) {
                        $r = $i;
                    }
                }
                return $r;
                """,
            "reduce": (
                "return IntStream.range(0, $a.length)"
                ".reduce(($i, $j) -> $a[$j] «>@@>=» $a[$i] ? $j : $i).getAsInt();"
            ),
            "while-best": """
                int $r = 0;
                int $t = $a[0];
                int $i = 0;
                while ($i < $a.length) {
                    if ($a[$i] «>@@<» $t) {
                        $t = $a[$i];
                        $r = $i;
                    }
                    $i++;
                }
                return $r;
                """,
        },
    ),
    _family(
        "factorial",
        "int->long",
        ("factorial", "fact", "fac", "productUpTo"),
        {
            "for": """
                long $r = 1;
                for (int $i = 2; $i «<=@@<» $n; $i++) {
                    $r *= $i;
                }
                return $r;
                """,
            "while-down": """
                long $r = 1;
                int $i = $n;
                while ($i > «1@@2») {
                    $r *= $i;
                    $i--;
                }
                return $r;
                """,
            "recursive": "return $n <= 1 ? «1@@$n» : $n * $m($n - 1);",
            "stream": "return LongStream.rangeClosed(1, $n).reduce(«1L@@0L», ($x, $y) -> $x * $y);",
        },
    ),
    _family(
        "sum-to",
        "int->long",
        ("sumTo", "triangular", "sumUpTo", "gauss"),
        {
            "loop": """
                long $r = 0;
                for (int $i = 1; $i «<=@@<» $n; $i++) {
                    $r += $i;
                }
                return $r;
                """,
            "formula": "return (long) $n * («$n + 1@@$n - 1») / 2;",
            "recursive": "return $n <= 0 ? 0 : $n + $m($n - «1@@2»);",
            "stream": "return LongStream.«rangeClosed@@range»(1, $n).sum();",
        },
    ),
    _family(
        "fibonacci",
        "int->long",
        ("fib", "fibonacci", "fibo", "nthFib"),
        {
            "iterative": """
                long $t = 0;
                long $t2 = «1@@2»;
                for (int $i = 0; $i < $n; $i++) {
                    long $u = $t + $t2;
                    $t = $t2;
                    $t2 = $u;
                }
                return $t;
                """,
            "array": """
                long[] $r = new long[$n + 2];
                $r[1] = 1;
                for (int $i = 2; $i <= $n; $i++) {
                    $r[$i] = $r[$i - 1] + $r[$i - «2@@1»];
                }
                return $r[$n];
                """,
            "recursive": "return $n < 2 ? «$n@@1» : $m($n - 1) + $m($n - 2);",
            "while": """
                long $t = 0;
                long $t2 = 1;
                int $i = 0;
                while ($i < $n) {
                    $t2 = $t + $t2;
                    $t = $t2 «-@@+» $t;
                    $i++;
                }
                return $t;
                """,
        },
    ),
    _family(
        "digit-sum",
        "int->long",
        ("digitSum", "sumDigits", "digitTotal", "crossSum"),
        {
            "while": """
                long $r = 0;
                int $t = $n;
                while ($t > 0) {
                    $r += «$t % 10@@1»;
                    $t /= 10;
                }
                return $r;
                """,
            "string": """
                long $r = 0;
                for (char $c : String.valueOf($n).toCharArray()) {
                    $r += $c - «'0'@@'1'»;
                }
                return $r;
                """,
            "recursive": "return $n < 10 ? $n : $n % 10 «+@@*» $m($n / 10);",
            "stream": "return String.valueOf($n).chars().map($c -> $c - '0').«sum()@@max().orElse(0)»;",
        },
    ),
    _family(
        "count-divisors",
        "int->long",
        ("countDivisors", "divisors", "numDivisors", "tau"),
        {
            "loop": """
                long $r = 0;
                for (int $i = 1; $i «<=@@<» $n; $i++) {
                    if ($n % $i == 0) {
                        $r++;
                    }
                }
                return $r;
                """,
            "sqrt": """
                long $r = 0;
                for (int $i = 1; $i * $i <= $n; $i++) {
                    if ($n % $i == 0) {
                        $r += «$i * $i == $n ? 1 : 2@@2»;
                    }
                }
                return $r;
                """,
            "stream": "return IntStream.rangeClosed(1, $n).filter($i -> $n % $i «==@@!=» 0).count();",
        },
    ),
    _family(
        "power-of-two",
        "int->long",
        ("pow2", "powerOfTwo", "twoTo", "shiftPow"),
        {
            "shift": "return 1L << «$n@@($n + 1)»;",
            "loop": """
                long $r = 1;
                for (int $i = 0; $i < $n; $i++) {
                    $r *= «2@@3»;
                }
                return $r;
                """,
            "recursive": "return $n == 0 ? «1@@2» : 2 * $m($n - 1);",
            "math": "return (long) Math.pow(«2@@3», $n);",
        },
    ),
    _family(
        "reverse",
        "String->String",
        ("reverse", "reversed", "backwards", "mirror", "reverseString"),
        {
            "builder": "return new StringBuilder($s)«.reverse()@@».toString();",
            "loop": """
                StringBuilder $b = new StringBuilder();
                for (int $i = $s.length() - 1; $i «>=@@>» 0; $i--) {
                    $b.append($s.charAt($i));
                }
                return $b.toString();
                """,
            "swap": """
                char[] $t = $s.toCharArray();
                for (int $i = 0, $j = $t.length - «1@@2»; $i < $j; $i++, $j--) {
                    char $c = $t[$i];
                    $t[$i] = $t[$j];
                    $t[$j] = $c;
                }
                return new String($t);
                """,
            "recursive": (
                "return $s.isEmpty() ? $s : "
                "«$m($s.substring(1)) + $s.charAt(0)@@$s.charAt(0) + $m($s.substring(1))»;"
            ),
        },
    ),
    _family(
        "remove-vowels",
        "String->String",
        ("removeVowels", "stripVowels", "noVowels", "consonants"),
        {
            "index-of": """
                StringBuilder $b = new StringBuilder();
                for (char $c : $s.toCharArray()) {
                    if ("«aeiouAEIOU@@aeiou»".indexOf($c) < 0) {
                        $b.append($c);
                    }
                }
                return $b.toString();
                """,
            "regex": 'return $s.replaceAll("[«aeiouAEIOU@@aeiou»]", "");',
            "switch": """
                StringBuilder $b = new StringBuilder();
                for (int $i = 0; $i < $s.length(); $i++) {
                    char $c = $s.charAt($i);
                    switch (Character.toLowerCase($c)) {
                        case 'a':
                        case 'e':
                        case 'i':
                        case 'o':
                        «case 'u':@@case 'y':»
                            break;
                        default:
                            $b.append($c);
                    }
                }
                return $b.toString();
                """,
            "stream": """
                StringBuilder $b = new StringBuilder();
                $s.chars().filter($c -> "aeiouAEIOU".indexOf($c) «<@@>=» 0).forEach($c -> $b.append((char) $c));
                return $b.toString();
                """,
        },
    ),
    _family(
        "swap-case",
        "String->String",
        ("swapCase", "toggleCase", "invertCase", "flipCase"),
        {
            "loop": """
                StringBuilder $b = new StringBuilder();
                for (char $c : $s.toCharArray()) {
                    if (Character.isUpperCase($c)) {
                        $b.append(Character.toLowerCase($c));
                    } else {
                        $b.append(Character.«toUpperCase@@toLowerCase»($c));
                    }
                }
                return $b.toString();
                """,
            "array": """
                char[] $t = $s.toCharArray();
                for (int $i = «0@@1»; $i < $t.length; $i++) {
                    char $c = $t[$i];
                    $t[$i] = Character.isLowerCase($c) ? Character.toUpperCase($c) : Character.toLowerCase($c);
                }
                return new String($t);
                """,
            "ascii": """
                StringBuilder $b = new StringBuilder($s.length());
                for (int $i = 0; $i < $s.length(); $i++) {
                    char $c = $s.charAt($i);
                    if ($c >= 'a' && $c <= 'z') {
                        $b.append((char) ($c - «32@@31»));
                    } else if ($c >= 'A' && $c <= 'Z') {
                        $b.append((char) ($c + 32));
                    } else {
                        $b.append($c);
                    }
                }
                return $b.toString();
                """,
        },
    ),
    _family(
        "double-chars",
        "String->String",
        ("doubleChars", "stutter", "repeatChars", "twice"),
        {
            "loop": """
                StringBuilder $b = new StringBuilder();
                for (char $c : $s.toCharArray()) {
                    $b.append($c).append(«$c@@'-'»);
                }
                return $b.toString();
                """,
            "index": """
                StringBuilder $b = new StringBuilder();
                for (int $i = 0; $i < 2 * $s.length(); $i++) {
                    $b.append($s.charAt(«$i / 2@@$i % $s.length()»));
                }
                return $b.toString();
                """,
            "array": """
                char[] $t = new char[$s.length() * 2];
                for (int $i = 0; $i < $s.length(); $i++) {
                    $t[2 * $i] = $s.charAt($i);
                    $t[2 * $i + 1] = «$s.charAt($i)@@'*'»;
                }
                return new String($t);
                """,
        },
    ),
    _family(
        "count-vowels",
        "String->int",
        ("countVowels", "vowels", "numVowels", "vowelCount"),
        {
            "loop": """
                int $r = 0;
                for (char $c : $s.toCharArray()) {
                    if ("«aeiouAEIOU@@aeiou»".indexOf($c) >= 0) {
                        $r++;
                    }
                }
                return $r;
                """,
            "replace": 'return $s.length() - $s.replaceAll("[«aeiouAEIOU@@aeiou»]", "").length();',
            "stream": 'return (int) $s.chars().filter($c -> "aeiouAEIOU".indexOf($c) «>=@@<» 0).count();',
            "switch": """
                int $r = 0;
                for (int $i = 0; $i < $s.length(); $i++) {
                    switch (Character.toLowerCase($s.charAt($i))) {
                        case 'a':
                        case 'e':
                        case 'i':
                        case 'o':
                        «case 'u':@@case 'y':»
                            $r++;
                            break;
                        default:
                            break;
                    }
                }
                return $r;
                """,
        },
    ),
    _family(
        "count-upper",
        "String->int",
        ("countUpper", "upperCount", "capitals", "numCapitals"),
        {
            "loop": """
                int $r = 0;
                for (char $c : $s.toCharArray()) {
                    if (Character.«isUpperCase@@isLowerCase»($c)) {
                        $r++;
                    }
                }
                return $r;
                """,
            "stream": "return (int) $s.chars().filter(Character::«isUpperCase@@isLetter»).count();",
            "ascii": """
                int $r = 0;
                for (int $i = 0; $i < $s.length(); $i++) {
                    char $c = $s.charAt($i);
                    if ($c >= 'A' && $c <= «'Z'@@'M'») {
                        $r++;
                    }
                }
                return $r;
                """,
        },
    ),
    _family(
        "count-words",
        "String->int",
        ("countWords", "wordCount", "words", "numWords"),
        {
            "loop": """
                int $r = 0;
                for (int $i = 0; $i < $s.length(); $i++) {
                    if ($s.charAt($i) «!=@@==» ' ' && ($i == 0 || $s.charAt($i - 1) == ' ')) {
                        $r++;
                    }
                }
                return $r;
                """,
            "split": r"""
                String $t = $s.trim();
                return $t.isEmpty() ? «0@@1» : $t.split("\\s+").length;
                """,
            "state": """
                int $r = 0;
                boolean $t = false;
                for (char $c : $s.toCharArray()) {
                    if ($c == ' ') {
                        $t = «false@@true»;
                    } else if (!$t) {
                        $t = true;
                        $r++;
                    }
                }
                return $r;
                """,
        },
    ),
    _family(
        "distinct-chars",
        "String->int",
        ("distinctChars", "uniqueChars", "countDistinct", "alphabetSize"),
        {
            "set": """
                Set<Character> $t = new HashSet<>();
                for (char $c : $s.toCharArray()) {
                    $t.add(«$c@@Character.toLowerCase($c)»);
                }
                return $t.size();
                """,
            "stream": "return (int) $s.chars()«@@.map(Character::toLowerCase)».distinct().count();",
            "flags": """
                boolean[] $t = new boolean[65536];
                int $r = 0;
                for (int $i = 0; $i < $s.length(); $i++) {
                    char $c = $s.charAt($i);
                    if (!$t[$c]) {
                        $t[$c] = true;
                        «$r++;@@$r += 2;»
                    }
                }
                return $r;
                """,
        },
    ),
    _family(
        "index-of",
        "int[],int->int",
        ("indexOf", "find", "search", "locate", "position"),
        {
            "for-return": """
                for (int $i = 0; $i < $a.length; $i++) {
                    if ($a[$i] == $k) {
                        return $i;
                    }
                }
                return «-1@@0»;
                """,
            "while": """
                int $i = 0;
                while ($i < $a.length && $a[$i] != $k) {
                    $i++;
                }
                return $i «==@@>» $a.length ? -1 : $i;
                """,
            "stream": (
                "return IntStream.range(0, $a.length).filter($i -> $a[$i] == $k)"
                ".findFirst().orElse(«-1@@$a.length»);"
            ),
            "backward": """
                int $r = -1;
                for (int $i = $a.length - 1; «$i >= 0@@$i > 0»; $i--) {
                    if ($a[$i] == $k) {
                        $r = $i;
                    }
                }
                return $r;
                """,
        },
    ),
    _family(
        "count-occurrences",
        "int[],int->int",
        ("countOf", "occurrences", "frequency", "countMatches", "howMany"),
        {
            "each": """
                int $r = 0;
                for (int $x : $a) {
                    if ($x «==@@!=» $k) {
                        $r++;
                    }
                }
                return $r;
                """,
            "for": """
                int $r = 0;
                for (int $i = «0@@1»; $i < $a.length; $i++) {
                    if ($a[$i] == $k) {
                        $r += 1;
                    }
                }
                return $r;
                """,
            "stream": "return (int) Arrays.stream($a).filter($x -> $x == «$k@@$k + 1»).count();",
        },
    ),
    _family(
        "count-greater",
        "int[],int->int",
        ("countGreater", "countAbove", "above", "numGreater"),
        {
            "each": """
                int $r = 0;
                for (int $x : $a) {
                    if ($x «>@@>=» $k) {
                        $r++;
                    }
                }
                return $r;
                """,
            "stream": "return (int) Arrays.stream($a).filter($x -> $x «>@@<» $k).count();",
            "complement": """
                int $r = 0;
                for (int $i = 0; $i < $a.length; $i++) {
                    if ($a[$i] «<=@@<» $k) {
                        $r++;
                    }
                }
                return $a.length - $r;
                """,
        },
    ),
)

FAMILY_BY_NAME = {family.name: family for family in FAMILIES}
