public class FieldsAndLocals {
    static String name = "field";
    int x = 10;
    int y;

    FieldsAndLocals(int x) {
        this.y = x * 2;
        x += 1;
        this.x += x;
    }

    String describe() {
        String name = "local";
        String s = name + ":" + FieldsAndLocals.name;
        int x = this.x - 1;
        s += ":" + x + ":" + this.x + ":" + y;
        return s;
    }

    public static void main(String[] args) {
        FieldsAndLocals a = new FieldsAndLocals(4);
        System.out.println(a.describe());
        int y = a.y + a.x;
        System.out.println("y=" + y);
        System.out.println(name.length() + a.x);
    }
}
