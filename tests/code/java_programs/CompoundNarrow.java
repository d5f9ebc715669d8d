public class CompoundNarrow {
    public static void main(String[] args) {
        byte b = 120;
        b += 10;
        System.out.println(b);
        short s = 32000;
        s += 1000;
        System.out.println(s);
        char c = 'a';
        c += 2;
        c++;
        System.out.println(c);
        int i = 7;
        i += 3.9;
        System.out.println(i);
        long l = 1L << 40;
        l >>= 3;
        l -= 12;
        System.out.println(l);
        double d = 1.5;
        d *= 4;
        d -= 0.25;
        System.out.println(d);
        float f = 2.5f;
        f /= 2;
        System.out.println(f);
        int x = 100;
        x = x - 1;
        x = x * 3;
        x = x % 7;
        x = x << 2;
        System.out.println(x);
        byte m = 3;
        m *= 100;
        System.out.println(m);
    }
}
