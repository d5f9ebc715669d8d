public class SwitchInLoop {
    public static void main(String[] args) {
        String program = "+++>--<*+.x+.";
        int acc = 0, reg = 0, steps = 0;
        StringBuilder out = new StringBuilder();
        for (int pc = 0; pc < program.length(); pc++) {
            char op = program.charAt(pc);
            steps++;
            switch (op) {
                case '+':
                    acc++;
                    break;
                case '-':
                    acc--;
                    break;
                case '>':
                    reg = acc;
                    continue;
                case '<':
                    acc = reg;
                    break;
                case '*':
                    acc *= 2;
                    break;
                case '.':
                    out.append(acc).append(' ');
                    break;
                default:
                    out.append('?');
                    continue;
            }
            if (acc > 20) break;
        }
        System.out.println(out.toString().trim());
        System.out.println(acc + " " + reg + " " + steps);
    }
}
