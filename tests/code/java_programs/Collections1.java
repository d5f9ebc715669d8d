import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public class Collections1 {
    public static void main(String[] args) {
        String text = "the quick brown fox jumps over the lazy dog the end";
        Map<String, Integer> counts = new TreeMap<>();
        for (String word : text.split(" ")) {
            Integer old = counts.get(word);
            counts.put(word, old == null ? 1 : old + 1);
        }
        System.out.println(counts);
        List<Integer> lengths = new ArrayList<>();
        for (String key : counts.keySet()) {
            lengths.add(key.length());
        }
        int total = 0;
        for (int len : lengths) total += len;
        System.out.println(lengths + " " + total);
        Map<String, String> pairs = new HashMap<>();
        pairs.put("k1", "v1");
        pairs.put("k2", "v2");
        System.out.println(pairs.get("k1") + pairs.get("k2") + pairs.size());
        List<String> filtered = new ArrayList<>();
        for (String w : counts.keySet()) {
            if (w.length() > 3 && counts.get(w) == 1) {
                filtered.add(w);
            }
        }
        System.out.println(filtered);
    }
}
