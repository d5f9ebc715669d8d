public class Accumulators {
    public static void main(String[] args) {
        int sum = 0, product = 1, xor = 0;
        long wide = 0;
        double mean = 0.0;
        String trail = "";
        for (int i = 1; i <= 6; i++) {
            sum = sum + i;
            product = product * i;
            xor = xor ^ (i << 1);
            wide = wide + (long) i * 1_000_000_000L;
            mean = mean + i / 6.0;
            trail = trail + i;
            if (i % 2 == 0) {
                sum = sum - 1;
            } else if (i % 3 == 0) {
                product = product / 3;
            } else {
                xor = xor | 1;
            }
        }
        int shifts = 1;
        shifts = shifts << 4;
        shifts = shifts >> 1;
        shifts = shifts % 5;
        int masked = 0xFF;
        masked = masked & 0x3C;
        System.out.println(sum + " " + product + " " + xor + " " + wide);
        System.out.println(mean + " " + trail + " " + shifts + " " + masked);
        int a = 4, b = 9;
        if (a < b) {
            System.out.println("a<b");
        } else {
            System.out.println("a>=b");
        }
        if (a == b || b - a > 3) System.out.println("far");
        else System.out.println("near");
    }
}
