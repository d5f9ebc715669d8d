import java.util.Arrays;
import java.util.Comparator;

public class AnonymousClasses {
    interface Counter {
        int next();
    }

    static Counter counter(int start, int step) {
        return new Counter() {
            int current = start;

            public int next() {
                int value = current;
                current += step;
                return value;
            }
        };
    }

    public static void main(String[] args) {
        Counter c = counter(3, 4);
        for (int i = 0; i < 4; i++) {
            System.out.println(c.next());
        }
        Integer[] values = {5, 3, 9, 1, 7};
        Arrays.sort(values, new Comparator<Integer>() {
            @Override
            public int compare(Integer a, Integer b) {
                if (a % 3 == b % 3) {
                    return a - b;
                } else {
                    return a % 3 - b % 3;
                }
            }
        });
        System.out.println(Arrays.toString(values));
    }
}
