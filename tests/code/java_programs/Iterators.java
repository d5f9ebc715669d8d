import java.util.Iterator;
import java.util.NoSuchElementException;

public class Iterators {
    static class Range implements Iterable<Integer> {
        private final int start, end, step;

        Range(int start, int end, int step) {
            this.start = start;
            this.end = end;
            this.step = step;
        }

        public Iterator<Integer> iterator() {
            return new Iterator<Integer>() {
                private int next = start;

                public boolean hasNext() {
                    return next < end;
                }

                public Integer next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    int value = next;
                    next += step;
                    return value;
                }
            };
        }
    }

    public static void main(String[] args) {
        int sum = 0;
        for (int v : new Range(0, 20, 3)) {
            if (v == 9) continue;
            sum += v;
        }
        System.out.println(sum);
        Iterator<Integer> it = new Range(5, 8, 1).iterator();
        while (it.hasNext()) System.out.print(it.next() + ";");
        System.out.println();
        try {
            it.next();
        } catch (NoSuchElementException e) {
            System.out.println("exhausted");
        }
    }
}
