import java.util.ArrayList;
import java.util.List;

public class Declarations {
    public static void main(String[] args) {
        int a = 1, b = a + 1, c;
        c = a + b;
        int d = c * 2;
        int e = d - 1;
        long big = 1L << 33, small = 3;
        double ratio = (double) big / small;
        int[] arr = {3, 1, 2}, copy = new int[3];
        int grid[][] = new int[2][2];
        for (int i = 0; i < arr.length; i++) copy[i] = arr[i] * 2;
        grid[1][1] = copy[2];
        List<String> names = new ArrayList<>();
        names.add("x");
        String first = names.get(0), second = first + "y";
        final int fixed = 42;
        var inferred = fixed + e;
        System.out.println(a + " " + b + " " + c + " " + d + " " + e);
        System.out.println(big + " " + small + " " + ratio);
        System.out.println(copy[0] + copy[1] + copy[2] + grid[1][1]);
        System.out.println(first + second + inferred);
        Runnable r;
        int captured = e + 1;
        r = () -> System.out.println("captured " + captured);
        r.run();
    }
}
