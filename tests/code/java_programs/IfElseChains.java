public class IfElseChains {
    static String grade(int score) {
        if (score >= 90) {
            return "A";
        } else if (score >= 80) {
            return "B";
        } else if (score >= 70) {
            return "C";
        } else {
            return "F";
        }
    }

    static int sign(double v) {
        if (v > 0) return 1;
        else if (v < 0) return -1;
        else return 0;
    }

    static String dangling(int a, int b) {
        String r = "none";
        if (a > 0)
            if (b > 0) r = "both";
            else r = "a only";
        return r;
    }

    static int classify(int x) {
        int k;
        if (x % 2 == 0) {
            k = x / 2;
        } else {
            k = 3 * x + 1;
        }
        if (!(k > 10)) {
            k = -k;
        }
        return k;
    }

    public static void main(String[] args) {
        int[] scores = {95, 85, 75, 10, 80};
        for (int s : scores) System.out.println(grade(s));
        System.out.println(sign(2.5) + " " + sign(-0.5) + " " + sign(0.0) + " " + sign(Double.NaN));
        System.out.println(dangling(1, 1) + dangling(1, -1) + dangling(-1, 1));
        for (int x = 1; x < 8; x++) System.out.println(classify(x));
    }
}
