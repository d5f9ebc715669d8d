import java.util.ArrayDeque;
import java.util.Deque;
import java.util.PriorityQueue;

public class BankQueue {
    static class Task implements Comparable<Task> {
        final String name;
        final int priority;

        Task(String name, int priority) {
            this.name = name;
            this.priority = priority;
        }

        public int compareTo(Task other) {
            if (priority != other.priority) {
                return Integer.compare(other.priority, priority);
            }
            return name.compareTo(other.name);
        }
    }

    public static void main(String[] args) {
        PriorityQueue<Task> queue = new PriorityQueue<>();
        String[] names = {"e", "b", "d", "a", "c"};
        int[] priorities = {2, 5, 2, 1, 5};
        for (int i = 0; i < names.length; i++) queue.add(new Task(names[i], priorities[i]));
        StringBuilder order = new StringBuilder();
        while (!queue.isEmpty()) {
            Task t = queue.poll();
            order.append(t.name).append(t.priority);
        }
        System.out.println(order);
        Deque<Integer> stack = new ArrayDeque<>();
        String expr = "3 4 + 2 * 7 -";
        for (String tok : expr.split(" ")) {
            if (tok.equals("+")) stack.push(stack.pop() + stack.pop());
            else if (tok.equals("*")) stack.push(stack.pop() * stack.pop());
            else if (tok.equals("-")) {
                int b = stack.pop(), a = stack.pop();
                stack.push(a - b);
            } else stack.push(Integer.parseInt(tok));
        }
        System.out.println(stack.pop());
    }
}
