import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

public class Streams {
    public static void main(String[] args) {
        int sum = IntStream.rangeClosed(1, 10).filter(i -> i % 2 == 1).map(i -> i * i).sum();
        System.out.println(sum);
        List<String> words = Arrays.asList("delta", "alpha", "charlie", "bravo");
        String joined = words.stream()
            .filter(w -> w.length() > 4)
            .map(String::toUpperCase)
            .sorted()
            .collect(Collectors.joining(","));
        System.out.println(joined);
        int limit = 3;
        long count = words.stream().filter(w -> w.indexOf('a') < limit).count();
        System.out.println(count);
        double avg = IntStream.of(4, 8, 15, 16, 23, 42).average().orElse(0);
        System.out.println(avg);
    }
}
