public class StringBuilding {
    static String reverse(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = s.length() - 1; i >= 0; i--) {
            sb.append(s.charAt(i));
        }
        return sb.toString();
    }

    static boolean palindrome(String s) {
        int i = 0, j = s.length() - 1;
        while (i < j) {
            if (s.charAt(i) != s.charAt(j)) return false;
            i++;
            j--;
        }
        return true;
    }

    static String caesar(String s, int shift) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char ch = chars[i];
            if (ch >= 'a' && ch <= 'z') {
                ch -= 'a';
                ch += shift;
                ch %= 26;
                ch += 'a';
            }
            chars[i] = ch;
        }
        return new String(chars);
    }

    public static void main(String[] args) {
        System.out.println(reverse("metamorphic"));
        System.out.println(palindrome("racecar") + " " + palindrome("teacher"));
        System.out.println(caesar("hello world", 3));
        String joined = String.join("/", "a", "b", "c");
        System.out.println(joined + joined.length());
    }
}
