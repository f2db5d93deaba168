package dev.ect.core;

/**
 * Small text rules the integrations share, so the request side (servlet filter) and the response
 * side (OkHttp interceptor) treat the same input the same way.
 */
public final class EctText {
    /** C-07: the longest {@code exec_act}, in characters (Unicode code points): 256. */
    public static final int MAX_EXEC_ACT = 256;

    private EctText() {}

    /**
     * Removes optional whitespace around an HTTP field value: RFC 9110 (section 5.6.3) OWS, which
     * is SP and HTAB only (T-01). Not {@link String#trim()}, which also strips NUL and the other
     * control characters: a value with those around a token is a malformed value
     * ({@code malformed_token}), not the token.
     */
    public static String trimOws(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && isOws(value.charAt(from))) {
            from++;
        }
        while (to > from && isOws(value.charAt(to - 1))) {
            to--;
        }
        return from == 0 && to == value.length() ? value : value.substring(from, to);
    }

    /**
     * {@code s} cut to at most {@code maxCodePoints} characters (code points), never splitting a
     * surrogate pair: an emoji at the bound is dropped whole, never left as a lone high surrogate
     * that the token's JSON could not carry.
     *
     * @throws IllegalArgumentException when {@code maxCodePoints < 0}
     */
    public static String truncate(String s, int maxCodePoints) {
        if (maxCodePoints < 0) {
            throw new IllegalArgumentException("maxCodePoints must be >= 0");
        }
        if (s.length() <= maxCodePoints) {
            return s; // fewer units than the bound: fewer code points too
        }
        int end = 0;
        for (int n = 0; n < maxCodePoints && end < s.length(); n++) {
            end = s.offsetByCodePoints(end, 1);
        }
        return end == s.length() ? s : s.substring(0, end);
    }

    /** A default {@code exec_act} made to fit C-07: {@link #truncate truncated} to {@value #MAX_EXEC_ACT} characters. */
    public static String execAct(String s) { return truncate(s, MAX_EXEC_ACT); }

    private static boolean isOws(char c) { return c == ' ' || c == '\t'; }
}
