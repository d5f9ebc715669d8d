"""Sample inputs the conformance checks run components on: real-looking C and Java code.

Each language's list ends with code that does not parse, so every check also sees a parse
error; the C list holds a Devign-style function whose unknown macro leaves an error node
inside the body; both hold code written with no space between tokens (`else{...}`,
`do{...}while`), where a careless join glues a keyword to the next token.
"""

from __future__ import annotations

C_SAMPLES = [
    """int sum(int *values, int n)
{
    int total = 0, i;
    int limit = n;
    for (i = 0; i < limit; i++) {
        if (values[i] < 0)
            continue;
        total += values[i];
    }
    while (total > 100) {
        total = total - 100;
    }
    if (total == 0) {
        return -1;
    } else if (total > 50) {
        total++;
    } else {
        total--;
    }
    return total * 2;
}
""",
    "static void f(char *s) { int k = 3; for (;;) { if (*s == 0) break; s++; } k <<= 1; }\n",
    # Devign style: a macro the grammar does not know leaves a parse error inside the body.
    """static int g(int a, int b)
{
    int x = a + b;
    FOO_MACRO(x y) while (x > 0) x--;
    return x < b ? a : b;
}
""",
    # No space between the tokens wherever the language allows it.
    'int main(){int x=0;if(x>1){x--;}else{printf("yes");}do{x++;}while(x<3);'
    "for(;x<9;)x+=2;return x;}\n",
    "int broken( {\n",
]
JAVA_SAMPLES = [
    """public int count(int[] data, int limit) {
    int hits = 0, misses;
    misses = 0;
    for (int i = 0; i < data.length; i++) {
        if (data[i] > limit) continue;
        if (data[i] == limit) hits++;
        else misses += 1;
    }
    int k = 0;
    while (k < hits) {
        k = k + 2;
    }
    return hits * 3 + misses;
}
""",
    """class A {
    private int x;
    A(int x) { this.x = x; }
    String show(String prefix) {
        String s = prefix + x;
        if (x < 0) { s = "-" + s; } else { s = s + "+"; }
        return s;
    }
}
""",
    "int f(int a,int b){if(a>0){a=1;}else{ b = 2; }do{a++;}while(a<b);"
    "for(int i=0;i<b;i++)a+=i;return a-b;}\n",
    "void broken() { int x = ; if (x) { }\n",
]
#: Samples by language.
SAMPLES = {"c": C_SAMPLES, "java": JAVA_SAMPLES}
