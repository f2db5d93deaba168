package dev.ect.core.internal;

/** UUID text checks (C-05, C-06). */
public final class Uuids {
    private Uuids() {}

    /** Per ASCII character: 1 for a hex digit (either case), 2 for '-', 0 otherwise. */
    private static final byte[] CLASS = new byte[128];
    /** Per position of the 8-4-4-4-12 form: the class expected there. */
    private static final byte[] EXPECTED = new byte[36];

    static {
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] = 1;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            CLASS[c] = 1;
            CLASS[c - 'a' + 'A'] = 1;
        }
        CLASS['-'] = 2;
        java.util.Arrays.fill(EXPECTED, (byte) 1);
        EXPECTED[8] = EXPECTED[13] = EXPECTED[18] = EXPECTED[23] = 2;
    }

    /** True for the 36-character 8-4-4-4-12 hexadecimal form (either case). */
    public static boolean isCanonical(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (c >= 128 || CLASS[c] != EXPECTED[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The form task and workflow ids are compared in (P-01): ASCII letters in lower case, so a
     * UUID that differs only in letter case is the same id. Tokens keep the text they were signed
     * with; only keys and lookups use this form. Null stays null.
     */
    public static String canonical(String id) {
        if (id == null) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] out = id.toCharArray();
                for (int j = i; j < out.length; j++) {
                    if (out[j] >= 'A' && out[j] <= 'Z') {
                        out[j] = (char) (out[j] + ('a' - 'A'));
                    }
                }
                return new String(out);
            }
        }
        return id; // the usual case: already lower case, no copy
    }

    /** True when two ids are the same in the canonical form of {@link #canonical} (both null counts as equal). */
    public static boolean same(String x, String y) {
        if (x == null || y == null) {
            return x == y;
        }
        if (x.length() != y.length()) {
            return false;
        }
        if (x.equals(y)) { // the usual case, one id in one case: a vectorized comparison
            return true;
        }
        for (int i = 0; i < x.length(); i++) {
            char a = x.charAt(i);
            char b = y.charAt(i);
            if (a != b && lower(a) != lower(b)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c; }
}
