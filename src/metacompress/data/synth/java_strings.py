"""Java method families over one String: String->String and String->int.

Template text as `metacompress.data.synth.java_methods` describes it.
"""

from __future__ import annotations

from metacompress.data.synth.java_family import Family, family

STRING_FAMILIES: tuple[Family, ...] = (
    family(
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
    family(
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
    family(
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
    family(
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
    family(
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
    family(
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
    family(
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
    family(
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
)
