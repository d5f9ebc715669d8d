public class TryCatch {
    static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        } finally {
            System.out.println("parsed " + s);
        }
    }

    static int divide(int a, int b) {
        int result;
        try {
            result = a / b;
        } catch (ArithmeticException e) {
            result = Integer.MIN_VALUE;
        }
        return result;
    }

    static String nested(int[] data, int index) {
        String out = "start";
        try {
            try {
                out += ":" + data[index];
            } finally {
                out += ":inner";
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            out += ":caught";
        }
        return out;
    }

    public static void main(String[] args) {
        System.out.println(parse("42"));
        System.out.println(parse("x42"));
        System.out.println(divide(7, 2));
        System.out.println(divide(7, 0));
        int[] data = {4, 5};
        System.out.println(nested(data, 1));
        System.out.println(nested(data, 3));
    }
}
