public class UncaughtEnd {
    static int depth(int n) {
        if (n == 0) {
            throw new IllegalStateException("bottom");
        } else {
            return depth(n - 1) + 1;
        }
    }

    public static void main(String[] args) {
        int total = 0;
        for (int i = 0; i < 5; i++) {
            total = total + i * i;
        }
        System.out.println("total " + total);
        if (total > 10) {
            System.out.println("big");
        } else {
            System.out.println("small");
        }
        System.out.println(depth(total % 4));
    }
}
