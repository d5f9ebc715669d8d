public class DoWhileTernary {
    static int collatzMax(int n) {
        int max = n;
        do {
            n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
            max = n > max ? n : max;
        } while (n != 1);
        return max;
    }

    static String fizz(int i) {
        return i % 15 == 0 ? "FizzBuzz" : i % 5 == 0 ? "Buzz" : i % 3 == 0 ? "Fizz" : String.valueOf(i);
    }

    public static void main(String[] args) {
        System.out.println(collatzMax(27));
        StringBuilder sb = new StringBuilder();
        int i = 1;
        do {
            sb.append(fizz(i)).append(i < 15 ? "," : "");
            i++;
        } while (i <= 15);
        System.out.println(sb);
        int k = 10;
        do k -= 3; while (k > 0);
        System.out.println(k);
    }
}
