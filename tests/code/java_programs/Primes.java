public class Primes {
    static boolean[] sieve(int n) {
        boolean[] composite = new boolean[n + 1];
        for (int i = 2; (long) i * i <= n; i++) {
            if (composite[i]) continue;
            for (int j = i * i; j <= n; j += i) composite[j] = true;
        }
        return composite;
    }

    static boolean isPrime(int n) {
        if (n < 2) return false;
        for (int d = 2; d * d <= n; d++) {
            if (n % d == 0) return false;
        }
        return true;
    }

    public static void main(String[] args) {
        boolean[] composite = sieve(60);
        StringBuilder sb = new StringBuilder();
        int count = 0;
        for (int i = 2; i <= 60; i++) {
            if (!composite[i]) {
                sb.append(i).append(' ');
                count++;
            }
        }
        System.out.println(sb.toString().trim());
        System.out.println(count);
        int agree = 0;
        for (int i = 0; i <= 60; i++) {
            if (isPrime(i) == (i >= 2 && !composite[i])) agree++;
        }
        System.out.println(agree);
    }
}
