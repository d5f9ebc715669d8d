"""Java method families over one int: int->long.

Template text as `metacompress.data.synth.java_methods` describes it.
"""

from __future__ import annotations

from metacompress.data.synth.java_family import Family, family

NUMBER_FAMILIES: tuple[Family, ...] = (
    family(
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
    family(
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
    family(
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
    family(
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
    family(
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
    family(
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
)
