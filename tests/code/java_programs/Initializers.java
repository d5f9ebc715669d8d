public class Initializers {
    static final StringBuilder LOG = new StringBuilder();
    static int shared;

    static {
        shared = 3;
        LOG.append("static;");
    }

    int id;
    String label;

    {
        LOG.append("instance;");
    }

    Initializers() {
        this(shared++);
        LOG.append("noarg;");
    }

    Initializers(int id) {
        this(id, "item" + id);
        LOG.append("int;");
    }

    Initializers(int id, String label) {
        super();
        this.id = id;
        this.label = label;
        LOG.append("full;");
    }

    public static void main(String[] args) {
        Initializers a = new Initializers();
        Initializers b = new Initializers(10);
        System.out.println(a.id + a.label + " " + b.id + b.label + " " + shared);
        System.out.println(LOG);
    }
}
