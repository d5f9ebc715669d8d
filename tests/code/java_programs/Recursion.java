public class Recursion {
    static long fib(int n) {
        if (n < 2) {
            return n;
        }
        return fib(n - 1) + fib(n - 2);
    }

    static int gcd(int a, int b) {
        if (b == 0) return a;
        return gcd(b, a % b);
    }

    static long factorial(int n) {
        return n <= 1 ? 1 : n * factorial(n - 1);
    }

    static int ackermann(int m, int n) {
        if (m == 0) return n + 1;
        if (n == 0) return ackermann(m - 1, 1);
        return ackermann(m - 1, ackermann(m, n - 1));
    }

    static void hanoi(int n, char from, char to, char via, StringBuilder out) {
        if (n == 0) {
            return;
        }
        hanoi(n - 1, from, via, to, out);
        out.append(from).append(to).append(' ');
        hanoi(n - 1, via, to, from, out);
    }

    public static void main(String[] args) {
        for (int i = 0; i < 15; i += 3) System.out.println(fib(i));
        System.out.println(gcd(84, 36) + " " + gcd(17, 5));
        System.out.println(factorial(12));
        System.out.println(ackermann(2, 3));
        StringBuilder sb = new StringBuilder();
        hanoi(3, 'A', 'C', 'B', sb);
        System.out.println(sb.toString().trim());
    }
}
