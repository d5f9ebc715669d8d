public class BitOps {
    static int popcount(int x) {
        int count = 0;
        while (x != 0) {
            x &= x - 1;
            count++;
        }
        return count;
    }

    static int reverseBits(int x) {
        int r = 0;
        for (int i = 0; i < 32; i++) {
            r = (r << 1) | (x & 1);
            x >>>= 1;
        }
        return r;
    }

    public static void main(String[] args) {
        int a = 0b1011_0110, b = 0x5A;
        System.out.println((a & b) + " " + (a | b) + " " + (a ^ b) + " " + (~a));
        System.out.println(popcount(a) + " " + popcount(-1));
        System.out.println(reverseBits(1) + " " + Integer.toHexString(reverseBits(0xF0)));
        int x = 5, y = 9;
        x ^= y;
        y ^= x;
        x ^= y;
        System.out.println(x + " " + y);
        long mask = 0;
        for (int i = 0; i < 40; i += 3) mask |= 1L << i;
        System.out.println(Long.toBinaryString(mask));
        System.out.println((-17 >> 2) + " " + (-17 >>> 28) + " " + (1 << 31));
        boolean p = true, q = false;
        System.out.println((p & q) + " " + (p | q) + " " + (p ^ q));
    }
}
