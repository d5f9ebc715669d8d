public class Interfaces {
    interface Greeter {
        String name();

        default String greet(int times) {
            String out = "";
            for (int i = 0; i < times; i++) {
                out += "hi " + name() + (i < times - 1 ? ", " : "");
            }
            return out;
        }

        static Greeter of(String n) {
            return () -> n;
        }
    }

    static class Loud implements Greeter {
        public String name() {
            return "LOUD";
        }

        @Override
        public String greet(int times) {
            return Greeter.super.greet(times).toUpperCase();
        }
    }

    public static void main(String[] args) {
        System.out.println(Greeter.of("ann").greet(2));
        System.out.println(new Loud().greet(3));
    }
}
