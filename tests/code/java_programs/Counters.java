public class Counters {
    private int hits;
    private int misses;
    private static int instances;

    Counters() {
        instances++;
    }

    void record(boolean hit) {
        if (hit)
            hits++;
        else
            misses++;
    }

    double ratio() {
        int total = hits + misses;
        if (total == 0)
            return 0;
        return (double) hits / total;
    }

    public static void main(String[] args) {
        Counters a = new Counters(), b = new Counters();
        for (int i = 0; i < 20; i++) {
            a.record(i % 3 != 0);
            if (i % 4 == 0)
                b.record(true);
            else if (i % 4 == 1)
                b.record(false);
        }
        System.out.println(a.hits + " " + a.misses + " " + a.ratio());
        System.out.println(b.hits + " " + b.misses + " " + b.ratio());
        System.out.println(instances + " " + new Counters().ratio() + " " + instances);
    }
}
