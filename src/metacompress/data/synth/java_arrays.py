"""Java method families over int arrays: int[]->int, and int[],int->int (a key to find or count).

Template text as `metacompress.data.synth.java_methods` describes it.
"""

from __future__ import annotations

from metacompress.data.synth.java_family import Family, extreme, family

ARRAY_FAMILIES: tuple[Family, ...] = (
    family(
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
    Family("max", "int[]->int", ("max", "maximum", "largest", "findMax", "maxOf"), extreme(True)),
    Family(
        "min", "int[]->int", ("min", "minimum", "smallest", "findMin", "minOf"), extreme(False)
    ),
    family(
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
    family(
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
    family(
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
    family(
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
    family(
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
)

SEARCH_FAMILIES: tuple[Family, ...] = (
    family(
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
    family(
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
    family(
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
