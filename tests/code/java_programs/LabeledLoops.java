public class LabeledLoops {
    static int search(int[][] grid, int target) {
        int found = -1;
        outer:
        for (int r = 0; r < grid.length; r++) {
            for (int c = 0; c < grid[r].length; c++) {
                if (grid[r][c] < 0) continue outer;
                if (grid[r][c] == target) {
                    found = r * 10 + c;
                    break outer;
                }
            }
        }
        return found;
    }

    static int pairs(int n) {
        int pairs = 0;
        rows:
        for (int i = 0, limit = n * 2; i < limit; i += 2) {
            int j = 0;
            cols:
            while (j < n) {
                j++;
                if ((i + j) % 5 == 0) continue rows;
                if (j == i) continue cols;
                pairs += i ^ j;
            }
        }
        return pairs;
    }

    public static void main(String[] args) {
        int[][] grid = {{1, 2, 3}, {-1, 7, 8}, {4, 7, 6}};
        System.out.println(search(grid, 7));
        System.out.println(search(grid, 9));
        System.out.println(pairs(6));
        block:
        {
            for (int i = 0; i < 3; i++) {
                if (i == 2) break block;
                System.out.println("in block " + i);
            }
            System.out.println("not reached");
        }
        System.out.println("done");
    }
}
