import java.util.ArrayList;
import java.util.List;

public class Generics {
    static class Box<T extends Comparable<T>> {
        private T item;

        Box(T item) {
            this.item = item;
        }

        T get() {
            return item;
        }

        boolean bigger(Box<T> other) {
            return item.compareTo(other.item) > 0;
        }
    }

    static <T extends Comparable<T>> T max(List<T> list) {
        T best = list.get(0);
        for (T t : list) {
            if (t.compareTo(best) > 0) best = t;
        }
        return best;
    }

    public static void main(String[] args) {
        Box<Integer> a = new Box<>(4), b = new Box<>(9);
        System.out.println(a.bigger(b) + " " + b.bigger(a));
        List<String> words = new ArrayList<>();
        words.add("pear");
        words.add("apple");
        words.add("zucchini");
        System.out.println(max(words));
        List<Integer> nums = List.of(3, 8, 1);
        System.out.println(max(nums) + a.get());
    }
}
