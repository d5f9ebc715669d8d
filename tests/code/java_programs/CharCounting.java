public class CharCounting {
    public static void main(String[] args) {
        String text = "Metamorphic Testing Of Distilled Models, 2024!";
        int[] counts = new int[26];
        int upper = 0, digits = 0, other = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper++;
                c += 'a' - 'A';
            }
            if (c >= 'a' && c <= 'z') counts[c - 'a']++;
            else if (Character.isDigit(c)) digits++;
            else other++;
        }
        StringBuilder sb = new StringBuilder();
        for (char c = 'a'; c <= 'z'; c++) {
            if (counts[c - 'a'] > 1) sb.append(c).append(counts[c - 'a']);
        }
        System.out.println(sb);
        System.out.println(upper + " " + digits + " " + other);
        short s = 0;
        for (int i = 0; i < 5; i++) s += 7000;
        System.out.println(s);
    }
}
