public class Switches {
    static String classic(int day) {
        String kind;
        switch (day) {
            case 0:
            case 6:
                kind = "weekend";
                break;
            case 3:
                kind = "midweek";
                break;
            default:
                kind = "weekday";
        }
        return kind;
    }

    static int fallThrough(int n) {
        int acc = 0;
        switch (n) {
            case 1:
                acc += 1;
            case 2:
                acc += 10;
            case 3:
                acc += 100;
                break;
            default:
                acc = -1;
        }
        return acc;
    }

    static String arrows(String s) {
        return switch (s) {
            case "a", "b" -> "early";
            case "z" -> {
                String r = "late";
                yield r + "!";
            }
            default -> "middle";
        };
    }

    public static void main(String[] args) {
        for (int d = 0; d < 7; d++) {
            System.out.println(d + " " + classic(d));
        }
        for (int n = 0; n < 5; n++) {
            System.out.println(fallThrough(n));
        }
        System.out.println(arrows("a") + arrows("m") + arrows("z"));
    }
}
