public class InnerClasses {
    private int total = 0;

    class Adder {
        private int step;

        Adder(int step) {
            this.step = step;
        }

        void add(int times) {
            for (int i = 0; i < times; i++) total += step;
        }
    }

    static class Pair {
        final int left, right;

        Pair(int left, int right) {
            this.left = left;
            this.right = right;
        }

        Pair swap() {
            return new Pair(right, left);
        }

        public String toString() {
            return "(" + left + "," + right + ")";
        }
    }

    public static void main(String[] args) {
        InnerClasses outer = new InnerClasses();
        InnerClasses.Adder adder = outer.new Adder(3);
        adder.add(4);
        outer.new Adder(5).add(2);
        System.out.println(outer.total);
        Pair p = new Pair(1, 2);
        System.out.println(p + " " + p.swap() + " " + p.swap().swap());
        class Local {
            int twice(int x) {
                return x * 2;
            }
        }
        System.out.println(new Local().twice(21));
    }
}
