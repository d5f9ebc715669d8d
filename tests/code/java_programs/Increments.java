public class Increments {
    static int counter = 0;

    public static void main(String[] args) {
        int i = 0;
        i++;
        ++i;
        i += 1;
        int j = i++ + ++i;
        System.out.println(i + " " + j);
        int[] arr = new int[4];
        int k = 0;
        arr[k++] = 5;
        arr[++k] = 6;
        arr[k]++;
        System.out.println(k + " " + arr[0] + arr[1] + arr[2] + arr[3]);
        counter++;
        counter += 2;
        --counter;
        System.out.println(counter);
        long l = 10;
        l--;
        l -= 1;
        double d = 0.5;
        d++;
        char ch = 'x';
        ch++;
        byte by = 127;
        by++;
        Integer boxed = 5;
        boxed++;
        System.out.println(l + " " + d + " " + ch + " " + by + " " + boxed);
        for (int a = 0, b = 10; a < b; a++, b--) {
            System.out.print(a + b);
        }
        System.out.println();
    }
}
