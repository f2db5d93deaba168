package dev.ect.core;

/**
 * Escapes text that comes from outside (claims of an unverified token, header values, request
 * paths) before it reaches a log line or a terminal (profile T-11). The one place every module
 * uses for this: the servlet filter, the default verification listener, the OkHttp integration
 * and the {@code ect} command.
 *
 * <p>Escaped, as <code>&#92;uXXXX</code> (four lower-case hex digits per UTF-16 unit): C0 controls
 * (U+0000..U+001F, including CR, LF, TAB, ESC, BEL), DEL (U+007F), C1 controls (U+0080..U+009F,
 * e.g. NEL U+0085 and CSI U+009B), the line and paragraph separators U+2028/U+2029, every other
 * format character ({@link Character#getType(int)} == {@link Character#FORMAT}: bidi overrides,
 * zero-width characters, U+FEFF, tag characters) and lone surrogates. The backslash itself is
 * written as <code>&#92;&#92;</code>, so the output is unambiguous: <code>&#92;u000a</code> in a log line can only
 * come from a real line feed. Everything else, including non-ASCII letters and emoji, is kept.
 *
 * <p>The input is bounded: at most {@value #DEFAULT_MAX_CHARS} UTF-16 units of it by default
 * (never splitting a surrogate pair), followed by {@code ...} when it was longer; so one log
 * line stays at most about six times that long. Thread-safe and allocation-free when nothing
 * needs escaping and the text fits.
 */
public final class LogSafe {
    /** Default bound on the input taken into one escaped value, in UTF-16 units: 200. */
    public static final int DEFAULT_MAX_CHARS = 200;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogSafe() {}

    /**
     * {@code s} escaped for a log line or a terminal (T-11), at most {@value #DEFAULT_MAX_CHARS}
     * input units; {@code "-"} for null.
     */
    public static String escape(CharSequence s) { return escape(s, DEFAULT_MAX_CHARS, false); }

    /**
     * {@code s} escaped (T-11), at most {@code maxChars} input units (then {@code ...});
     * {@code "-"} for null.
     *
     * @throws IllegalArgumentException when {@code maxChars < 1}
     */
    public static String escape(CharSequence s, int maxChars) { return escape(s, maxChars, false); }

    /**
     * Like {@link #escape(CharSequence)}, and also escapes the space (as <code>&#92;u0020</code>), for a
     * value in a space-separated {@code key=value} log line: a claim cannot then forge a field
     * such as {@code " reason=replay"}.
     */
    public static String escapeField(CharSequence s) { return escape(s, DEFAULT_MAX_CHARS, true); }

    /**
     * True when the code point is printed as it is: not a control, format, separator (U+2028,
     * U+2029) or surrogate code point. Renderers of other formats (JSON for a terminal) use it to
     * escape the same set in their own syntax.
     */
    public static boolean isPrintable(int codePoint) {
        if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) {
            return false;
        }
        if (codePoint < 0x7f) {
            return true; // printable ASCII: the common case, no table lookup
        }
        int type = Character.getType(codePoint);
        return type != Character.FORMAT && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.SURROGATE && type != Character.CONTROL;
    }

    private static String escape(CharSequence s, int maxChars, boolean space) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1");
        }
        if (s == null) {
            return "-";
        }
        int len = s.length();
        int end = Math.min(len, maxChars);
        if (end < len && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
            end--; // never split a pair at the bound
        }
        int first = firstUnsafe(s, end, space);
        if (first == end && end == len) {
            return s.toString();
        }
        StringBuilder b = new StringBuilder(end + 16);
        b.append(s, 0, first);
        int i = first;
        while (i < end) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(i + 1));
                if (isPrintable(cp)) {
                    b.append(c).append(s.charAt(i + 1));
                } else {
                    unicode(b, c);
                    unicode(b, s.charAt(i + 1));
                }
                i += 2;
                continue;
            }
            if (c == '\\') {
                b.append("\\\\");
            } else if ((space && c == ' ') || !isPrintable(c)) { // a lone surrogate is SURROGATE: escaped
                unicode(b, c);
            } else {
                b.append(c);
            }
            i++;
        }
        return end < len ? b.append("...").toString() : b.toString();
    }

    /** Index of the first unit in [0, end) that needs escaping, or end. */
    private static int firstUnsafe(CharSequence s, int end, boolean space) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                if (c == '\\' || (space && c == ' ')) {
                    return i;
                }
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (!isPrintable(Character.toCodePoint(c, s.charAt(i + 1)))) {
                    return i;
                }
                i++;
                continue;
            }
            if (!isPrintable(c)) {
                return i;
            }
        }
        return end;
    }

    private static void unicode(StringBuilder b, char c) {
        b.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
