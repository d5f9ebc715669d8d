public class StringConcat {
    public static void main(String[] args) {
        int a = 1;
        int b = 2;
        String s = "sum" + a + b;
        String t = a + b + "sum";
        String u = "x" + (a + b) + 'c' + 1.5;
        char c = 'A';
        System.out.println(s);
        System.out.println(t);
        System.out.println(u);
        System.out.println(c + 1);
        System.out.println("" + c + 1);
        System.out.println(c + 'B' + "!");
        String acc = "";
        for (int i = 0; i < 4; i++) {
            acc += i;
            acc = acc + "-";
        }
        System.out.println(acc);
        Integer boxed = 40;
        System.out.println(boxed + a + "x" + boxed + a);
        Object o = "obj";
        System.out.println(o + "" + null);
    }
}
