public class FloatingPoint {
    static String compare(double a, double b) {
        String s = "";
        if (a < b) s += "<";
        if (a <= b) s += "<=";
        if (a > b) s += ">";
        if (a >= b) s += ">=";
        if (a == b) s += "==";
        if (a != b) s += "!=";
        return s;
    }

    public static void main(String[] args) {
        double nan = Double.NaN;
        System.out.println(compare(1.0, 2.0));
        System.out.println(compare(2.0, 2.0));
        System.out.println(compare(nan, 2.0));
        System.out.println(compare(nan, nan));
        System.out.println(compare(-0.0, 0.0));
        double x = 0.1 + 0.2;
        double y = 0.2 + 0.1;
        System.out.println(x + " " + y + " " + (x == y));
        double sum = 0;
        for (int i = 1; i <= 10; i++) {
            sum += 1.0 / i;
        }
        System.out.println(sum);
        float f = 1.1f * 3;
        System.out.println(f + " " + Math.sqrt(2) * Math.sqrt(2));
        System.out.println(1.0 / 0 + " " + -1.0 / 0 + " " + 0.0 / 0);
    }
}
