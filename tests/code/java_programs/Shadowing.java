public class Shadowing {
    private int value = 100;
    private static int count = 7;

    int useField(int value) {
        int result = value + this.value;
        {
            int count = 3;
            result += count;
        }
        result += count;
        return result;
    }

    int loopScopes() {
        int total = 0;
        for (int i = 0; i < 3; i++) {
            int value = i * 2;
            total += value;
        }
        for (int i = 5; i > 2; i--) {
            int value = i;
            total -= value;
        }
        total += value;
        return total;
    }

    public static void main(String[] args) {
        Shadowing s = new Shadowing();
        System.out.println(s.useField(5));
        System.out.println(s.loopScopes());
        int value = 9;
        System.out.println(value + s.value + count);
    }
}
