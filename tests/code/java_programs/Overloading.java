public class Overloading {
    static String f(int x) {
        return "int:" + x;
    }

    static String f(long x) {
        return "long:" + x;
    }

    static String f(double x) {
        return "double:" + x;
    }

    static String f(String x) {
        return "string:" + x;
    }

    static int sum(int... values) {
        int total = 0;
        for (int v : values) total += v;
        return total;
    }

    public static void main(String[] args) {
        int i = 3;
        long l = 4;
        double d = 1.5;
        System.out.println(f(i + 1));
        System.out.println(f(i + l));
        System.out.println(f(l * i));
        System.out.println(f(d + i));
        System.out.println(f("" + i));
        System.out.println(f('a' + 1));
        System.out.println(sum() + " " + sum(1) + " " + sum(1, 2, 3));
        char c = 'z';
        System.out.println(f(c));
    }
}
