import java.util.ArrayList;
import java.util.List;

public class Synchronized {
    private final Object lock = new Object();
    private int balance = 100;
    private final List<String> history = new ArrayList<>();

    boolean withdraw(int amount) {
        synchronized (lock) {
            if (amount > balance) {
                history.add("denied " + amount);
                return false;
            }
            balance -= amount;
            history.add("ok " + amount);
        }
        return true;
    }

    synchronized void deposit(int amount) {
        balance += amount;
        history.add("dep " + amount);
    }

    public static void main(String[] args) {
        Synchronized account = new Synchronized();
        int[] ops = {30, -20, 90, 50, -5, 45};
        int denied = 0;
        for (int op : ops) {
            if (op < 0) {
                account.deposit(-op);
            } else if (!account.withdraw(op)) {
                denied++;
            }
        }
        System.out.println(account.balance + " " + denied);
        System.out.println(account.history);
    }
}
