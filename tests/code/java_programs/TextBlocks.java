public class TextBlocks {
    static String render(String name, int count) {
        var template = """
            Dear %s,
              you have %d new messages.
            """;
        var text = template.formatted(name, count);
        return text.strip();
    }

    public static void main(String[] args) {
        var lines = render("Ada", 3).split("\n");
        for (var line : lines) {
            System.out.println("[" + line + "]");
        }
        String path = "C:\\temp\\new";
        char quote = '"';
        System.out.println(path.length() + " " + quote + path + quote);
        String tabs = "a\tb";
        System.out.println(tabs.indexOf('\t'));
    }
}
