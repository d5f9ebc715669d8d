public class LoopsContinue {
    static int sumSkipping(int n, int skip) {
        int total = 0;
        for (int i = 0; i < n; i++) {
            if (i % skip == 0) continue;
            total += i;
        }
        return total;
    }

    static int nested(int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                if (j > i + 2) break;
                count++;
            }
            if (count > 40) break;
        }
        return count;
    }

    static String whileWithContinue(int limit) {
        StringBuilder sb = new StringBuilder();
        int k = 0;
        while (k < limit) {
            k++;
            if (k % 3 == 0) {
                continue;
            }
            sb.append(k).append(',');
        }
        return sb.toString();
    }

    static int doLoop(int start) {
        int steps = 0;
        int x = start;
        do {
            x = x % 2 == 0 ? x / 2 : 3 * x + 1;
            steps++;
            if (steps > 1000) break;
        } while (x != 1);
        return steps;
    }

    public static void main(String[] args) {
        System.out.println(sumSkipping(20, 3));
        System.out.println(nested(9));
        System.out.println(whileWithContinue(14));
        for (int s = 3; s < 30; s += 7) {
            System.out.println(s + " -> " + doLoop(s));
        }
    }
}
