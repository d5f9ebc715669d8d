import java.util.Arrays;

public class ArraysSorting {
    static void bubble(int[] a) {
        boolean swapped = true;
        int n = a.length;
        while (swapped) {
            swapped = false;
            for (int i = 1; i < n; i++) {
                if (a[i - 1] > a[i]) {
                    int t = a[i - 1];
                    a[i - 1] = a[i];
                    a[i] = t;
                    swapped = true;
                }
            }
            n--;
        }
    }

    static int binarySearch(int[] a, int key) {
        int lo = 0, hi = a.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else if (a[mid] > key) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    static int[] prefixSums(int[] a) {
        int[] out = new int[a.length + 1];
        for (int i = 0; i < a.length; i++) out[i + 1] = out[i] + a[i];
        return out;
    }

    public static void main(String[] args) {
        int[] data = {9, 4, 7, 1, 8, 2, 6};
        bubble(data);
        System.out.println(Arrays.toString(data));
        System.out.println(binarySearch(data, 7) + " " + binarySearch(data, 5));
        System.out.println(Arrays.toString(prefixSums(data)));
        int max = Integer.MIN_VALUE, min = Integer.MAX_VALUE;
        for (int v : data) {
            if (v > max) max = v;
            if (v < min) min = v;
        }
        System.out.println(max - min);
    }
}
