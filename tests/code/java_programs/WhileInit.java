public class WhileInit {
    static int digits(int n) {
        int count;
        count = 0;
        while (n != 0) {
            n /= 10;
            count++;
        }
        return count;
    }

    static int triangle(int n) {
        int i, sum = 0;
        i = 1;
        while (i <= n) {
            sum += i;
            i = i + 1;
        }
        return sum;
    }

    static String countdown(int from) {
        StringBuilder sb = new StringBuilder();
        int k = from;
        while (k > 0) {
            if (k == 3) {
                k--;
                continue;
            }
            sb.append(k);
            k--;
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.println(digits(123456));
        System.out.println(digits(7));
        System.out.println(triangle(10));
        System.out.println(countdown(6));
        int x = 0;
        while (x < 5) x += 2;
        System.out.println(x);
    }
}
