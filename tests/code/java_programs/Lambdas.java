import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntBinaryOperator;
import java.util.function.Supplier;

public class Lambdas {
    static int apply(IntBinaryOperator op, int a, int b) {
        return op.applyAsInt(a, b);
    }

    public static void main(String[] args) {
        int base = 5;
        IntBinaryOperator add = (a, b) -> a + b + base;
        IntBinaryOperator mul = (int a, int b) -> {
            int r = a * b;
            for (int i = 0; i < 2; i++) {
                r += i;
            }
            return r;
        };
        System.out.println(apply(add, 3, 4));
        System.out.println(apply(mul, 3, 4));
        Function<String, String> shout = s -> s.toUpperCase() + "!";
        System.out.println(shout.apply("hey"));
        List<Supplier<Integer>> suppliers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            final int k = i;
            suppliers.add(() -> k * k);
        }
        int total = 0;
        for (Supplier<Integer> s : suppliers) {
            total += s.get();
        }
        System.out.println(total);
        Runnable r = () -> {
            int local = 2;
            if (local > 1) {
                System.out.println("runnable " + local);
            } else {
                System.out.println("never");
            }
        };
        r.run();
    }
}
